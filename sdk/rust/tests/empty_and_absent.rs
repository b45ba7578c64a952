//! Empty and absent values across every host call: an empty value (a config value "", a key "",
//! a property named "" with the value "", a message id or state value of zero bytes, an empty
//! input or output) is present, `Some` of nothing; only what the host does not have is `None`.
//! Writes of empty values reach the host as empty values, and a publish without a key or
//! properties reaches it without them.

use pulsar_wasm::testing::{Message, Published, TestHost};
use pulsar_wasm::{Context, Function};

fn text(value: &str) -> Option<String> {
    Some(value.to_string())
}

#[test]
fn empty_values_are_present_and_only_missing_ones_are_none() {
    let host = TestHost::new()
        .with_config("empty", "")
        .with_config("", "unnamed")
        .with_secret("empty", "")
        .with_state("empty", b"")
        .with_identity("", "", "", 0, 1);
    host.set_message(
        Message::new().key("").topic("").property("", "").event_time(0).message_id(b"").schema(""),
    );
    host.with(|ctx| {
        assert_eq!(ctx.config("empty"), text(""));
        assert_eq!(ctx.config("none"), None);
        assert_eq!(ctx.config(""), text("unnamed"));
        assert_eq!(ctx.secret("empty"), text(""));
        assert_eq!(ctx.secret("none"), None);
        assert_eq!(ctx.secret(""), None);
        assert_eq!(ctx.key(), text(""));
        assert_eq!(ctx.topic(), text(""));
        assert_eq!(ctx.property(""), text(""));
        assert_eq!(ctx.property("p"), None);
        assert_eq!(ctx.properties(), vec![(String::new(), String::new())]);
        assert_eq!(ctx.event_time(), Some(0));
        assert_eq!(ctx.redelivery_count(), 0);
        assert_eq!(ctx.message_id(), Some(Vec::new()));
        assert_eq!(ctx.schema(), text(""));
        assert_eq!((ctx.tenant(), ctx.namespace(), ctx.function_name()), (String::new(), String::new(), String::new()));
        assert_eq!(ctx.state_get("empty"), Some(Vec::new()));
        assert_eq!(ctx.state_get("none"), None);
        assert_eq!(ctx.state_get(""), None);
        assert_eq!(ctx.counter_get(""), 0);
    });
}

#[test]
fn a_message_with_nothing_but_its_value_has_every_field_absent_and_no_properties() {
    let host = TestHost::new();
    host.set_message(Message::new());
    host.with(|ctx| {
        assert_eq!((ctx.key(), ctx.topic(), ctx.property(""), ctx.schema()), (None, None, None, None));
        assert_eq!((ctx.event_time(), ctx.message_id()), (None, None));
        assert_eq!(ctx.properties(), Vec::new());
    });
}

#[test]
fn empty_writes_reach_the_host_as_empty_values() {
    let host = TestHost::new().with_state("gone", b"x");
    host.with(|ctx| {
        ctx.state_put("empty", b"");
        ctx.state_put("", b"unnamed");
        ctx.state_delete("gone");
        ctx.state_delete("");
        ctx.state_put("", b"");
        ctx.counter_incr("", 0);
        ctx.counter_incr("zero", 0);
        ctx.publish("t", b"");
        ctx.publish_with("t", b"", Some(""), &[]);
        ctx.publish_with("t", b"", None, &[("", "")]);
        ctx.publish_with("", b"", Some(""), &[("", ""), ("b", "")]);
        ctx.info("");
        ctx.error("");
        ctx.record_metric("", 0.0);
    });
    assert_eq!(
        host.state().into_iter().collect::<Vec<_>>(),
        vec![(String::new(), Vec::new()), ("empty".to_string(), Vec::new())]
    );
    assert_eq!(host.counters().into_iter().collect::<Vec<_>>(), vec![(String::new(), 0), ("zero".to_string(), 0)]);
    let published = |topic: &str, key: Option<&str>, properties: &[(&str, &str)]| Published {
        topic: topic.to_string(),
        value: Vec::new(),
        key: key.map(str::to_string),
        properties: properties.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    assert_eq!(
        host.published(),
        vec![
            published("t", None, &[]),
            published("t", Some(""), &[]),
            published("t", None, &[("", "")]),
            published("", Some(""), &[("", ""), ("b", "")]),
        ]
    );
    assert_eq!(host.published()[0].text(), "");
    assert_eq!(host.logs(), vec!["INFO ", "ERROR "]);
    assert_eq!(host.metrics().into_iter().collect::<Vec<_>>(), vec![(String::new(), vec![0.0])]);
}

#[test]
fn recoverable_calls_tell_an_empty_value_from_none_and_from_a_failure() {
    let host = TestHost::new().with_state("empty", b"");
    host.with(|ctx| {
        assert_eq!(ctx.try_state_get("empty"), Ok(Some(Vec::new())));
        assert_eq!(ctx.try_state_get_text("empty"), Ok(text("")));
        assert_eq!(ctx.try_state_get("none"), Ok(None));
        assert_eq!(ctx.try_state_get_text("none"), Ok(None));
        assert_eq!(ctx.try_state_put("", b""), Ok(()));
        assert_eq!(ctx.try_state_delete("none"), Ok(()));
        assert_eq!(ctx.try_counter_incr("", 0), Ok(()));
        assert_eq!(ctx.try_counter_get(""), Ok(0));
        assert_eq!(ctx.try_publish("t", b""), Ok(()));
        assert_eq!(ctx.try_publish_with("t", b"", Some(""), &[("", "")]), Ok(()));
    });
    assert_eq!(host.state()[""], Vec::<u8>::new());
    assert_eq!(host.published()[0].key, None);
    assert_eq!(host.published()[1].key, text(""));
    assert_eq!(host.published()[1].properties, vec![(String::new(), String::new())]);

    host.set_state_failure(Some("java.lang.IllegalStateException: no state"));
    host.with(|ctx| {
        let failed = ctx.try_state_get("empty").unwrap_err();
        assert_eq!(failed.message(), "pulsar.state_get: java.lang.IllegalStateException: no state");
        assert_eq!(ctx.try_state_put("empty", b"").unwrap_err().message(), "pulsar.state_put: java.lang.IllegalStateException: no state");
    });
    host.set_state_failure(None);
    // a failure is not kept past the next call that works
    host.with(|ctx| assert_eq!(ctx.try_state_get("empty"), Ok(Some(Vec::new()))));
}

/// Answers by its input: "" with an empty output, "none" with none, "fail" with an empty error;
/// anything else comes back as it is.
fn edges(input: &[u8], ctx: &Context) -> Result<Option<Vec<u8>>, String> {
    match input {
        b"" => Ok(Some(Vec::new())),
        b"none" => Ok(None),
        b"fail" => Err(String::new()),
        b"key" => Ok(ctx.key().map(String::into_bytes)),
        _ => Ok(Some(input.to_vec())),
    }
}

fn text_edges(input: &str, _ctx: &Context) -> Result<Option<String>, String> {
    match input {
        "" => Ok(Some(String::new())),
        "none" => Ok(None),
        _ => Err(String::new()),
    }
}

mod bytes_export {
    pulsar_wasm::export_function!(super::edges);
}

mod text_export {
    pulsar_wasm::export_text_function!(super::text_edges);
}

/// A function whose output is its input, or none for "none".
struct Echo;

impl Function for Echo {
    type Input = Vec<u8>;
    type Output = Vec<u8>;
    type Error = String;

    fn init(_ctx: &Context) -> Result<Self, String> {
        Ok(Echo)
    }

    fn process(&mut self, input: Vec<u8>, _ctx: &Context) -> Result<Option<Vec<u8>>, String> {
        Ok(if input == b"none" { None } else { Some(input) })
    }
}

mod echo_export {
    pulsar_wasm::export!(super::Echo);
}

#[test]
fn an_empty_input_and_an_empty_output_cross_the_exports_as_empty_not_none() {
    let host = TestHost::new();
    assert_eq!(host.call_process(bytes_export::process, b""), Ok(Some(Vec::new())));
    assert_eq!(host.call_process(bytes_export::process, b"none"), Ok(None));
    assert_eq!(host.call_process(bytes_export::process, b"fail"), Err(String::new()));
    host.set_message(Message::new().key(""));
    assert_eq!(host.call_process(bytes_export::process, b"key"), Ok(Some(Vec::new())));
    host.set_message(Message::new());
    assert_eq!(host.call_process(bytes_export::process, b"key"), Ok(None));

    assert_eq!(host.call_process(text_export::process, b""), Ok(Some(Vec::new())));
    assert_eq!(host.call_process(text_export::process, b"none"), Ok(None));
    assert_eq!(host.call_process(text_export::process, b"x"), Err(String::new()));

    host.call_export(echo_export::init);
    assert_eq!(host.call_process(echo_export::process, b""), Ok(Some(Vec::new())));
    assert_eq!(host.call_process(echo_export::process, b"none"), Ok(None));
    host.call_export(echo_export::close);
}

#[test]
fn alloc_of_nothing_is_a_buffer_the_sdk_takes_back() {
    // The host calls alloc(0) for every empty value it hands over: the address must be usable (not
    // null, which no host call returns for a value) and taking it back must free nothing.
    let ptr = pulsar_wasm::alloc(0);
    assert!(!ptr.is_null());
    let host = TestHost::new();
    assert_eq!(host.call_process(bytes_export::process, &[]), Ok(Some(Vec::new())));
}

#[test]
fn a_retried_message_says_how_often_it_came_before_and_none_outside_a_message() {
    let host = TestHost::new();
    host.with(|ctx| assert_eq!(ctx.redelivery_count(), 0));
    host.set_message(Message::new().redelivery_count(2));
    host.with(|ctx| assert_eq!(ctx.redelivery_count(), 2));
}
