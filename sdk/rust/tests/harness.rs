//! The SDK natively: every Context call against the in-memory host, and the exporting macros'
//! glue called as the wasm host calls it.

use pulsar_wasm::testing::{Message, Published, TestHost};
use pulsar_wasm::{Context, Function, Level, LongFunction};

#[test]
fn every_host_call_is_reachable_from_the_context() {
    let host = TestHost::new()
        .with_config("colour", "blue")
        .with_secret("token", "s3cr3t")
        .with_identity("acme", "streams", "probe", 2, 3)
        .with_state("kept", b"old")
        .with_counter("hits", 4);
    host.set_message(
        Message::new()
            .key("k-1")
            .topic("persistent://acme/streams/in")
            .property("a", "1")
            .property("b", "two")
            .event_time(1_700_000_000_123)
            .message_id(&[8, 1, 16])
            .schema(r#"{"type":"STRING"}"#),
    );
    host.with(|ctx| {
        assert_eq!(ctx.config("colour").as_deref(), Some("blue"));
        assert_eq!(ctx.config("shape"), None);
        assert_eq!(ctx.secret("token").as_deref(), Some("s3cr3t"));
        assert_eq!(ctx.secret("other"), None);
        assert_eq!(ctx.key().as_deref(), Some("k-1"));
        assert_eq!(ctx.topic().as_deref(), Some("persistent://acme/streams/in"));
        assert_eq!(ctx.property("b").as_deref(), Some("two"));
        assert_eq!(ctx.property("c"), None);
        assert_eq!(ctx.properties(), vec![("a".to_string(), "1".to_string()), ("b".to_string(), "two".to_string())]);
        assert_eq!(ctx.event_time(), Some(1_700_000_000_123));
        assert_eq!(ctx.message_id(), Some(vec![8, 1, 16]));
        assert_eq!(ctx.schema().as_deref(), Some(r#"{"type":"STRING"}"#));
        assert_eq!(
            (ctx.tenant(), ctx.namespace(), ctx.function_name(), ctx.instance_id(), ctx.num_instances()),
            ("acme".to_string(), "streams".to_string(), "probe".to_string(), 2, 3)
        );
        assert_eq!(ctx.state_get("kept"), Some(b"old".to_vec()));
        ctx.state_put("new", b"");
        ctx.state_delete("kept");
        assert_eq!(ctx.state_get("kept"), None);
        assert_eq!(ctx.state_get("new"), Some(Vec::new()));
        ctx.counter_incr("hits", -2);
        assert_eq!(ctx.counter_get("hits"), 2);
        assert_eq!(ctx.counter_get("never"), 0);
        ctx.publish("plain", b"v1");
        ctx.publish_with("rich", b"v2", Some(""), &[("via", "probe"), ("n", "2")]);
        ctx.record_metric("latency", 2.5);
        ctx.record_metric("latency", 0.5);
        ctx.trace("t");
        ctx.debug("d");
        ctx.info("i");
        ctx.warn("w");
        ctx.error("e");
        ctx.log(Level::Warn, "ünïcödé");
    });
    assert_eq!(host.state().into_iter().collect::<Vec<_>>(), vec![("new".to_string(), Vec::new())]);
    assert_eq!(host.counters()["hits"], 2);
    assert_eq!(
        host.published(),
        vec![
            Published { topic: "plain".to_string(), value: b"v1".to_vec(), key: None, properties: Vec::new() },
            Published {
                topic: "rich".to_string(),
                value: b"v2".to_vec(),
                key: Some(String::new()),
                properties: vec![("via".to_string(), "probe".to_string()), ("n".to_string(), "2".to_string())],
            },
        ]
    );
    assert_eq!(host.published()[1].text(), "v2");
    assert_eq!(host.metrics()["latency"], vec![2.5, 0.5]);
    assert_eq!(host.logs(), vec!["TRACE t", "DEBUG d", "INFO i", "WARN w", "ERROR e", "WARN ünïcödé"]);
}

#[test]
fn without_a_message_its_fields_are_absent_and_the_identity_has_defaults() {
    let host = TestHost::new();
    host.with(|ctx| {
        assert_eq!((ctx.key(), ctx.topic(), ctx.property("a")), (None, None, None));
        assert_eq!((ctx.event_time(), ctx.message_id(), ctx.schema()), (None, None, None));
        assert!(ctx.properties().is_empty());
        assert_eq!(
            (ctx.tenant(), ctx.namespace(), ctx.function_name(), ctx.instance_id(), ctx.num_instances()),
            ("public".to_string(), "default".to_string(), "test-function".to_string(), 0, 1)
        );
    });
    host.set_message(Message::new().key("k"));
    assert_eq!(host.with(|ctx| ctx.key()).as_deref(), Some("k"));
    host.clear_message();
    assert_eq!(host.with(|ctx| ctx.key()), None);
}

#[test]
#[should_panic(expected = "no host to call")]
fn a_context_outside_a_test_host_says_so() {
    pulsar_wasm::context().config("x");
}

#[test]
fn hosts_do_not_leak_into_each_other() {
    let (a, b) = (TestHost::new().with_config("name", "a"), TestHost::new().with_config("name", "b"));
    let seen = a.with(|ctx| (ctx.config("name"), b.with(|ctx| ctx.config("name")), ctx.config("name")));
    assert_eq!(seen, (Some("a".to_string()), Some("b".to_string()), Some("a".to_string())));
}

/// A text function with state and a typed error.
#[derive(Debug)]
struct Joiner {
    separator: String,
    parts: Vec<String>,
}

#[derive(Debug, PartialEq)]
enum JoinError {
    NoSeparator,
    Forbidden(String),
}

impl std::fmt::Display for JoinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JoinError::NoSeparator => write!(f, "user config 'separator' is not set"),
            JoinError::Forbidden(word) => write!(f, "forbidden word: {}", word),
        }
    }
}

impl Function for Joiner {
    type Input = String;
    type Output = String;
    type Error = JoinError;

    fn init(ctx: &Context) -> Result<Self, JoinError> {
        let separator = ctx.config("separator").ok_or(JoinError::NoSeparator)?;
        ctx.info("joiner ready");
        Ok(Joiner { separator, parts: Vec::new() })
    }

    fn process(&mut self, input: String, ctx: &Context) -> Result<Option<String>, JoinError> {
        if input == "secret" {
            return Err(JoinError::Forbidden(input));
        }
        if input.is_empty() {
            return Ok(None);
        }
        self.parts.push(input);
        ctx.counter_incr("parts", 1);
        Ok(Some(self.parts.join(&self.separator)))
    }

    fn close(&mut self, ctx: &Context) {
        ctx.info(&format!("joiner closed after {} parts", self.parts.len()));
    }
}

mod joiner {
    pulsar_wasm::export!(super::Joiner);
}

#[test]
fn a_function_keeps_its_state_and_reports_typed_errors() {
    let host = TestHost::new().with_config("separator", "+");
    let mut joiner: Joiner = host.init().unwrap();
    assert_eq!(host.process(&mut joiner, "a".to_string()), Ok(Some("a".to_string())));
    assert_eq!(host.process(&mut joiner, String::new()), Ok(None));
    assert_eq!(host.process(&mut joiner, "b".to_string()), Ok(Some("a+b".to_string())));
    assert_eq!(host.process(&mut joiner, "secret".to_string()), Err(JoinError::Forbidden("secret".to_string())));
    assert_eq!(host.process_bytes(&mut joiner, b"c"), Ok(Some(b"a+b+c".to_vec())));
    assert_eq!(host.process_bytes(&mut joiner, b"secret"), Err("forbidden word: secret".to_string()));
    assert!(host.process_bytes(&mut joiner, &[0xff]).unwrap_err().starts_with("input is not valid UTF-8: "));
    host.close(&mut joiner);
    assert_eq!(host.counters()["parts"], 3);
    assert_eq!(host.logs(), vec!["INFO joiner ready", "INFO joiner closed after 3 parts"]);
    assert_eq!(TestHost::new().init::<Joiner>().unwrap_err(), JoinError::NoSeparator);
}

#[test]
fn the_exports_of_export_run_the_instance_as_the_host_does() {
    let host = TestHost::new().with_config("separator", ",");
    host.call_export(joiner::init);
    assert_eq!(host.call_process(joiner::process, b"x"), Ok(Some(b"x".to_vec())));
    assert_eq!(host.call_process(joiner::process, b""), Ok(None));
    assert_eq!(host.call_process(joiner::process, b"y"), Ok(Some(b"x,y".to_vec())));
    assert_eq!(host.call_process(joiner::process, b"secret"), Err("forbidden word: secret".to_string()));
    assert_eq!(
        host.call_process(joiner::process, b"\xc3"),
        Err("input is not valid UTF-8: incomplete utf-8 byte sequence from index 0".to_string())
    );
    host.call_export(joiner::close);
    assert_eq!(host.logs(), vec!["INFO joiner ready", "INFO joiner closed after 2 parts"]);
    // After close a new instance starts (init runs before the first message if the host did not
    // call it).
    assert_eq!(host.call_process(joiner::process, b"z"), Ok(Some(b"z".to_vec())));
    host.call_export(joiner::close);
}

#[test]
fn a_failing_init_through_the_exports() {
    let host = TestHost::new();
    assert_eq!(host.call_process(joiner::process, b"x"), Err("init failed: user config 'separator' is not set".to_string()));
    let trapped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| host.call_export(joiner::init)));
    assert!(trapped.is_err());
    assert_eq!(host.logs(), vec!["ERROR init failed: user config 'separator' is not set"]);
}

/// A Long function: a running sum.
struct Summer(i64);

impl LongFunction for Summer {
    type Error = String;

    fn init(ctx: &Context) -> Result<Self, String> {
        Ok(Summer(ctx.config("start").map_or(Ok(0), |text| text.parse().map_err(|_| format!("bad start: {}", text)))?))
    }

    fn process(&mut self, input: i64, _ctx: &Context) -> Result<i64, String> {
        if input < 0 {
            return Err(format!("negative: {}", input));
        }
        self.0 += input;
        Ok(self.0)
    }
}

mod summer {
    pulsar_wasm::export_long!(super::Summer);
}

#[test]
fn a_long_function_typed_and_through_its_exports() {
    let host = TestHost::new().with_config("start", "10");
    let mut summer: Summer = host.init_long().unwrap();
    assert_eq!(host.process_long(&mut summer, 5), Ok(15));
    assert_eq!(host.process_long(&mut summer, -1), Err("negative: -1".to_string()));
    host.close_long(&mut summer);
    assert_eq!(TestHost::new().with_config("start", "x").init_long::<Summer>().err(), Some("bad start: x".to_string()));

    host.call_export(summer::init);
    assert_eq!(host.call_long_process(summer::process, 1), 11);
    assert_eq!(host.call_long_process(summer::process, 2), 13);
    let trapped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| host.call_long_process(summer::process, -3)));
    assert!(trapped.is_err());
    assert_eq!(host.logs(), vec!["ERROR process failed: negative: -3"]);
    host.call_export(summer::close);
}

fn shout(input: &str, ctx: &Context) -> Result<Option<String>, String> {
    if input.is_empty() {
        return Ok(None);
    }
    if input == "fail" {
        return Err("told to fail".to_string());
    }
    ctx.counter_incr("shouted", 1);
    Ok(Some(format!("{}{}", input.to_uppercase(), ctx.config("suffix").unwrap_or_default())))
}

mod shout_export {
    // The plain-fn macros export an unmangled `process` on every target: one per test binary.
    pulsar_wasm::export_text_function!(super::shout);
}

#[test]
fn plain_fn_handlers_work_with_the_test_host_too() {
    let host = TestHost::new().with_config("suffix", "!");
    assert_eq!(host.with(|ctx| shout("hey", ctx)), Ok(Some("HEY!".to_string())));
    assert_eq!(host.call_process(shout_export::process, b"ho"), Ok(Some(b"HO!".to_vec())));
    assert_eq!(host.call_process(shout_export::process, b""), Ok(None));
    assert_eq!(host.call_process(shout_export::process, b"fail"), Err("told to fail".to_string()));
    assert_eq!(host.counters()["shouted"], 2);
}

#[cfg(feature = "json")]
mod records {
    use pulsar_wasm::serde_json::{json, Value};
    use pulsar_wasm::testing::TestHost;
    use pulsar_wasm::{Context, Function};

    /// A record function that numbers the records it sees.
    pub struct Numbering {
        next: i64,
    }

    impl Function for Numbering {
        type Input = Value;
        type Output = Value;
        type Error = &'static str;

        fn init(_ctx: &Context) -> Result<Self, &'static str> {
            Ok(Numbering { next: 1 })
        }

        fn process(&mut self, mut record: Value, ctx: &Context) -> Result<Option<Value>, &'static str> {
            let object = record.as_object_mut().ok_or("not an object")?;
            object.insert("n".to_string(), Value::from(self.next));
            self.next += 1;
            ctx.publish_json("copies", &record);
            Ok(Some(record))
        }
    }

    mod export {
        pulsar_wasm::export!(super::Numbering);
    }

    #[test]
    fn a_record_function_gets_and_returns_json() {
        let host = TestHost::new();
        let mut numbering: Numbering = host.init().unwrap();
        assert_eq!(host.process(&mut numbering, json!({"a": 1})), Ok(Some(json!({"a": 1, "n": 1}))));
        assert_eq!(host.process(&mut numbering, json!([1])), Err("not an object"));
        assert_eq!(host.call_process(export::process, br#"{"b":true}"#), Ok(Some(br#"{"b":true,"n":1}"#.to_vec())));
        assert!(host.call_process(export::process, b"hello").unwrap_err().starts_with("input is not JSON: "));
        assert_eq!(host.published()[1].text(), r#"{"b":true,"n":1}"#);
    }
}
