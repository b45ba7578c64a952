//! Word counter, a String function: counts every word in a durable counter per word, outputs
//! the message's word count, records it as the metric `words`, and every `every` messages
//! (default 10) publishes a summary to the topic `summary-topic`.

use pulsar_wasm::{export_text_function, Context};

fn count(input: &str, ctx: &Context) -> Result<Option<String>, String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    for word in &words {
        ctx.counter_incr(word, 1);
    }
    ctx.counter_incr("__messages", 1);
    ctx.counter_incr("__words", words.len() as i64);
    ctx.record_metric("words", words.len() as f64);

    let every: i64 = ctx.config("every").and_then(|text| text.parse().ok()).unwrap_or(10);
    let messages = ctx.counter_get("__messages");
    if every > 0 && messages % every == 0 {
        let topic = ctx.config("summary-topic").ok_or("user config 'summary-topic' is not set")?;
        let summary = format!("{} messages, {} words", messages, ctx.counter_get("__words"));
        ctx.publish_with(&topic, summary.as_bytes(), Some(&ctx.function_name()), &[("kind", "summary")]);
    }
    Ok(Some(words.len().to_string()))
}

export_text_function!(count);
