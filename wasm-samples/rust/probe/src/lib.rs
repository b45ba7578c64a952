//! The ABI tour: a bytes function that answers one command per message, so tests can reach every
//! part of the context through the Rust SDK. Commands (the message value):
//!
//! `config NAME` `secret NAME` `key` `topic` `property NAME` `properties` `event-time`
//! `message-id` `identity` `state-put KEY VALUE` `state-get KEY` `state-delete KEY`
//! `incr KEY N` `counter KEY` `publish TOPIC KEY VALUE` `metric NAME VALUE` `log LEVEL TEXT`
//! `fail TEXT` `drop` — and `echo` anything else: the value back unchanged.

use pulsar_wasm::{export_function, Context, Level};

fn absent_or(value: Option<String>) -> String {
    value.unwrap_or_else(|| "<absent>".to_string())
}

fn probe(input: &[u8], ctx: &Context) -> Result<Option<Vec<u8>>, String> {
    let text = String::from_utf8_lossy(input);
    let words: Vec<&str> = text.splitn(4, ' ').collect();
    let arg = |i: usize| words.get(i).copied().unwrap_or("");
    let answer = match arg(0) {
        "config" => absent_or(ctx.config(arg(1))),
        "secret" => absent_or(ctx.secret(arg(1))),
        "key" => absent_or(ctx.key()),
        "topic" => absent_or(ctx.topic()),
        "property" => absent_or(ctx.property(arg(1))),
        "properties" => ctx
            .properties()
            .iter()
            .map(|(k, v)| format!("{}={}", k, v))
            .collect::<Vec<_>>()
            .join(","),
        "event-time" => ctx.event_time().map(|t| t.to_string()).unwrap_or_else(|| "<absent>".to_string()),
        "message-id" => ctx
            .message_id()
            .map(|id| id.iter().map(|b| format!("{:02x}", b)).collect())
            .unwrap_or_else(|| "<absent>".to_string()),
        "identity" => format!(
            "{}/{}/{} {}/{}",
            ctx.tenant(),
            ctx.namespace(),
            ctx.function_name(),
            ctx.instance_id(),
            ctx.num_instances()
        ),
        "state-put" => {
            ctx.state_put(arg(1), arg(2).as_bytes());
            "ok".to_string()
        }
        "state-get" => ctx
            .state_get(arg(1))
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_else(|| "<absent>".to_string()),
        "state-delete" => {
            ctx.state_delete(arg(1));
            "ok".to_string()
        }
        "incr" => {
            ctx.counter_incr(arg(1), arg(2).parse().map_err(|_| format!("not a number: {}", arg(2)))?);
            ctx.counter_get(arg(1)).to_string()
        }
        "counter" => ctx.counter_get(arg(1)).to_string(),
        "publish" => {
            ctx.publish_with(arg(1), arg(3).as_bytes(), Some(arg(2)), &[("via", "probe")]);
            "ok".to_string()
        }
        "metric" => {
            ctx.record_metric(arg(1), arg(2).parse().map_err(|_| format!("not a number: {}", arg(2)))?);
            "ok".to_string()
        }
        "log" => {
            let level = match arg(1) {
                "trace" => Level::Trace,
                "debug" => Level::Debug,
                "info" => Level::Info,
                "warn" => Level::Warn,
                _ => Level::Error,
            };
            ctx.log(level, text.get(4 + arg(1).len() + 1..).unwrap_or(""));
            "ok".to_string()
        }
        "fail" => return Err(text.get(5..).unwrap_or("").to_string()),
        "drop" => return Ok(None),
        _ => return Ok(Some(input.to_vec())),
    };
    Ok(Some(answer.into_bytes()))
}

export_function!(probe);
