//! Word counter, a String function: counts every word in a durable counter per word, outputs
//! the message's word count, records it as the metric `words`, and every `every` messages
//! (default 10) publishes a summary to the topic `summary-topic`.

use pulsar_wasm::{export, Context, Function};

/// The function's configuration, read once in `init`.
pub struct WordCount {
    every: i64,
    summary_topic: Option<String>,
}

impl Function for WordCount {
    type Input = String;
    type Output = String;
    type Error = String;

    fn init(ctx: &Context) -> Result<WordCount, String> {
        let every = ctx.config("every").and_then(|text| text.parse().ok()).unwrap_or(10);
        Ok(WordCount { every, summary_topic: ctx.config("summary-topic") })
    }

    fn process(&mut self, input: String, ctx: &Context) -> Result<Option<String>, String> {
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

        let messages = ctx.counter_get("__messages");
        if self.every > 0 && messages % self.every == 0 {
            let topic = self.summary_topic.as_deref().ok_or("user config 'summary-topic' is not set")?;
            let summary = format!("{} messages, {} words", messages, ctx.counter_get("__words"));
            ctx.publish_with(topic, summary.as_bytes(), Some(&ctx.function_name()), &[("kind", "summary")]);
        }
        Ok(Some(words.len().to_string()))
    }
}

export!(WordCount);

/// Natively, with `cargo test` (no wasm build): the cases of the Java `SamplesTest`.
#[cfg(test)]
mod tests {
    use super::*;
    use pulsar_wasm::testing::TestHost;
    use std::collections::BTreeMap;

    const SUMMARIES: &str = "persistent://public/default/summaries";

    #[test]
    fn counts_publishes_summaries_and_records_metrics() {
        let host = TestHost::new().with_config("every", "2").with_config("summary-topic", SUMMARIES);
        let mut count: WordCount = host.init().unwrap();
        assert_eq!(host.process(&mut count, "Hello world".to_string()), Ok(Some("2".to_string())));
        assert_eq!(host.process(&mut count, "hello again, World!".to_string()), Ok(Some("3".to_string())));
        assert_eq!(host.process(&mut count, "...".to_string()), Ok(Some("0".to_string())));
        let expected: BTreeMap<String, i64> =
            [("hello", 2), ("world", 2), ("again", 1), ("__messages", 3), ("__words", 5)]
                .iter()
                .map(|(word, n)| (word.to_string(), *n))
                .collect();
        assert_eq!(host.counters(), expected);
        assert_eq!(host.metrics()["words"], vec![2.0, 3.0, 0.0]);
        let published = host.published();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].topic, SUMMARIES);
        assert_eq!(published[0].key.as_deref(), Some("test-function"));
        assert_eq!(published[0].properties, vec![("kind".to_string(), "summary".to_string())]);
        assert_eq!(published[0].text(), "2 messages, 5 words");
    }

    #[test]
    fn fails_clearly_without_its_summary_topic() {
        let host = TestHost::new().with_config("every", "1");
        assert_eq!(host.call_process(process, b"one"), Err("user config 'summary-topic' is not set".to_string()));
    }
}
