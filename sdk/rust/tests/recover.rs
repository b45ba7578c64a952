//! The recoverable host calls (`Context::try_*`) natively: what they do when the host works, the
//! `HostError` they return when state or publishing fails, and a function that recovers.

use pulsar_wasm::testing::{Published, TestHost};
use pulsar_wasm::{Context, Function, HostError};

const NOT_ENABLED: &str = "java.lang.IllegalStateException: State public/default/test-function is not enabled.";

#[test]
fn when_the_host_works_they_do_what_the_plain_calls_do() {
    let host = TestHost::new().with_state("kept", b"old").with_counter("hits", 4);
    host.with(|ctx| {
        assert_eq!(ctx.try_state_get("kept"), Ok(Some(b"old".to_vec())));
        assert_eq!(ctx.try_state_get_text("kept"), Ok(Some("old".to_string())));
        assert_eq!(ctx.try_state_get("never"), Ok(None));
        assert_eq!(ctx.try_state_put("new", b""), Ok(()));
        assert_eq!(ctx.try_state_get("new"), Ok(Some(Vec::new())));
        assert_eq!(ctx.try_state_delete("kept"), Ok(()));
        assert_eq!(ctx.try_state_get("kept"), Ok(None));
        assert_eq!(ctx.try_counter_incr("hits", -2), Ok(()));
        assert_eq!(ctx.try_counter_get("hits"), Ok(2));
        assert_eq!(ctx.try_counter_get("never"), Ok(0));
        assert_eq!(ctx.try_publish("plain", b"v1"), Ok(()));
        assert_eq!(ctx.try_publish_with("rich", b"v2", Some("k"), &[("via", "try")]), Ok(()));
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
                key: Some("k".to_string()),
                properties: vec![("via".to_string(), "try".to_string())],
            },
        ]
    );
}

#[test]
fn a_state_store_that_fails_is_an_error_naming_the_operation_and_stores_nothing() {
    let host = TestHost::new().with_state("kept", b"old").with_counter("hits", 4).with_state_failure(NOT_ENABLED);
    host.with(|ctx| {
        assert_eq!(ctx.try_state_get("kept"), Err(HostError::new(format!("pulsar.state_get: {}", NOT_ENABLED))));
        assert_eq!(ctx.try_state_get_text("kept").unwrap_err().message(), format!("pulsar.state_get: {}", NOT_ENABLED));
        assert_eq!(ctx.try_state_put("new", b"x").unwrap_err().message(), format!("pulsar.state_put: {}", NOT_ENABLED));
        assert_eq!(ctx.try_state_delete("kept").unwrap_err().message(), format!("pulsar.state_delete: {}", NOT_ENABLED));
        assert_eq!(ctx.try_counter_incr("hits", 1).unwrap_err().message(), format!("pulsar.counter_incr: {}", NOT_ENABLED));
        assert_eq!(ctx.try_counter_get("hits").unwrap_err().message(), format!("pulsar.counter_get: {}", NOT_ENABLED));
        // a call that works after one that failed leaves no error behind
        assert_eq!(ctx.try_publish("side", b"x"), Ok(()));
    });
    assert_eq!(host.state()["kept"], b"old".to_vec());
    assert_eq!(host.state().len(), 1);
    assert_eq!(host.counters()["hits"], 4);

    host.set_state_failure(None);
    host.with(|ctx| {
        assert_eq!(ctx.try_counter_incr("hits", 1), Ok(()));
        assert_eq!(ctx.try_counter_get("hits"), Ok(5));
        assert_eq!(ctx.try_state_get("kept"), Ok(Some(b"old".to_vec())));
    });
}

#[test]
fn a_publish_refused_at_once_is_an_error_naming_the_topic_and_publishes_nothing() {
    let host = TestHost::new().with_publish_failure("java.lang.IllegalStateException: broker says no");
    host.with(|ctx| {
        let error = ctx.try_publish_with("side", b"x", Some("k"), &[("a", "b")]).unwrap_err();
        assert_eq!(error.to_string(), "pulsar.publish to 'side': java.lang.IllegalStateException: broker says no");
        assert!(ctx.try_publish("side", b"y").is_err());
        // state is not affected
        assert_eq!(ctx.try_counter_incr("c", 1), Ok(()));
    });
    assert!(host.published().is_empty());
    host.set_publish_failure(None);
    assert_eq!(host.with(|ctx| ctx.try_publish("side", b"z")), Ok(()));
    assert_eq!(host.published()[0].text(), "z");
}

#[test]
#[should_panic(expected = "pulsar.counter_incr: java.lang.IllegalStateException: State public/default/test-function is not enabled.")]
fn the_plain_call_still_fails_the_guests_call() {
    TestHost::new().with_state_failure(NOT_ENABLED).with(|ctx| ctx.counter_incr("c", 1));
}

#[test]
#[should_panic(expected = "pulsar.publish to 'side': refused")]
fn the_plain_publish_still_fails() {
    TestHost::new().with_publish_failure("refused").with(|ctx| ctx.publish("side", b"x"));
}

/// A handler whose error is text: `?` turns a `HostError` into its text.
fn strict(input: &[u8], ctx: &Context) -> Result<Option<Vec<u8>>, String> {
    ctx.try_counter_incr("seen", 1)?;
    Ok(Some(input.to_vec()))
}

#[test]
fn a_host_error_is_an_error_with_the_hosts_text() {
    let host = TestHost::new().with_state_failure("boom");
    assert_eq!(host.with(|ctx| strict(b"x", ctx)), Err("pulsar.counter_incr: boom".to_string()));
    let boxed: Box<dyn std::error::Error> = Box::new(host.with(|ctx| ctx.try_counter_get("seen")).unwrap_err());
    assert_eq!(boxed.to_string(), "pulsar.counter_get: boom");
}

/// Counts messages in the counter "messages"; while state fails, in memory, logging that once, and
/// adds what it counted meanwhile once the store works again.
struct Tally {
    total: i64,
    unstored: i64,
    warned: bool,
}

impl Function for Tally {
    type Input = String;
    type Output = String;
    type Error = HostError;

    fn init(_ctx: &Context) -> Result<Self, HostError> {
        Ok(Tally { total: 0, unstored: 0, warned: false })
    }

    fn process(&mut self, _input: String, ctx: &Context) -> Result<Option<String>, HostError> {
        let stored = ctx.try_counter_incr("messages", self.unstored + 1).and_then(|()| {
            self.unstored = 0;
            ctx.try_counter_get("messages")
        });
        match stored {
            Ok(total) => {
                self.total = total;
                self.warned = false;
                Ok(Some(format!("{} (stored)", total)))
            }
            Err(error) => {
                if !self.warned {
                    ctx.warn(&format!("counting in memory: {}", error));
                    self.warned = true;
                }
                self.unstored += 1;
                self.total += 1;
                Ok(Some(format!("{} (in memory)", self.total)))
            }
        }
    }
}

#[test]
fn a_function_recovers_from_a_cluster_without_state_storage() {
    let host = TestHost::new().with_state_failure(NOT_ENABLED);
    let mut tally: Tally = host.init().unwrap();
    let mut process = |input: &str| host.process(&mut tally, input.to_string()).unwrap().unwrap();
    assert_eq!(process("a"), "1 (in memory)");
    assert_eq!(process("b"), "2 (in memory)");
    host.set_state_failure(None);
    assert_eq!(process("c"), "3 (stored)");
    assert_eq!(process("d"), "4 (stored)");
    assert_eq!(host.counters()["messages"], 4);
    assert_eq!(host.logs(), vec![format!("WARN counting in memory: pulsar.counter_incr: {}", NOT_ENABLED)]);
}

#[cfg(feature = "json")]
#[test]
fn json_publishes_are_recoverable_too() {
    use pulsar_wasm::serde_json::json;
    let host = TestHost::new().with_publish_failure("no schema fits");
    host.with(|ctx| {
        assert_eq!(ctx.try_publish_json("out", &json!({"a": 1})).unwrap_err().message(), "pulsar.publish to 'out': no schema fits");
        assert!(ctx.try_publish_json_with("out", &json!(1), Some("k"), &[]).is_err());
    });
    host.set_publish_failure(None);
    host.with(|ctx| ctx.try_publish_json_with("out", &json!({"a": 1}), Some("k"), &[("p", "q")])).unwrap();
    assert_eq!(host.published()[0].text(), r#"{"a":1}"#);
    assert_eq!(host.published()[0].key.as_deref(), Some("k"));
}
