//! A record function (`WasmRecordFunction`): edits fields of schema'd records by name, at any
//! depth (objects inside objects and arrays; on a key/value topic the key too, if it is an object).
//!
//! - `upper` (comma-separated field names, default `name`): string values of those fields are
//!   upper-cased.
//! - `increment` (comma-separated field names, default `age`): integer values of those fields get
//!   +1 (wrapping; the host refuses an output that does not fit the output schema).
//! - `publish_to` (a topic, optional): the output is also published there, without key or
//!   properties.
//!
//! On a topic without a schema (`"type":"BYTES"`) the input is the raw message value, not JSON:
//! the output is the same bytes with ASCII letters upper-cased.

use pulsar_wasm::serde_json::Value;
use pulsar_wasm::{export, process_record, Context, Function};

/// The field names each edit applies to.
struct Rules {
    upper: Vec<String>,
    increment: Vec<String>,
}

impl Rules {
    fn from_config(ctx: &Context) -> Rules {
        Rules { upper: names(ctx.config("upper"), "name"), increment: names(ctx.config("increment"), "age") }
    }

    /// Applies the edits to every field of `value`, at any depth.
    fn apply(&self, value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (name, field) in fields.iter_mut() {
                    if self.upper.contains(name) {
                        if let Value::String(text) = field {
                            *text = text.to_uppercase();
                        }
                    }
                    if self.increment.contains(name) {
                        if let Some(number) = field.as_i64() {
                            *field = Value::from(number.wrapping_add(1));
                        }
                    }
                    self.apply(field);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.apply(item)),
            _ => {}
        }
    }
}

/// A comma-separated list of names from the config, or the default.
fn names(config: Option<String>, default: &str) -> Vec<String> {
    config
        .as_deref()
        .unwrap_or(default)
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// True when the record has no schema to decode with: its value is raw bytes, not JSON.
fn is_raw(schema: Option<&Value>) -> bool {
    match schema {
        Some(schema) => schema.get("type").and_then(Value::as_str) == Some("BYTES"),
        None => true,
    }
}

/// The function: its rules and output topic, read once from the config in `init`.
pub struct Records {
    rules: Rules,
    publish_to: Option<String>,
}

impl Records {
    /// The record handler: a JSON value in, the edited value out.
    fn transform(&self, mut record: Value, ctx: &Context) -> Result<Option<Value>, String> {
        self.rules.apply(&mut record);
        if let Some(topic) = &self.publish_to {
            ctx.publish_json(topic, &record);
        }
        Ok(Some(record))
    }
}

impl Function for Records {
    type Input = Vec<u8>;
    type Output = Vec<u8>;
    type Error = String;

    fn init(ctx: &Context) -> Result<Records, String> {
        let publish_to = ctx.config("publish_to").filter(|topic| !topic.is_empty());
        Ok(Records { rules: Rules::from_config(ctx), publish_to })
    }

    /// Raw bytes on a topic without a schema, otherwise the record handler.
    fn process(&mut self, input: Vec<u8>, ctx: &Context) -> Result<Option<Vec<u8>>, String> {
        if is_raw(ctx.schema_json().as_ref()) {
            let output = input.to_ascii_uppercase();
            if let Some(topic) = &self.publish_to {
                ctx.publish(topic, &output);
            }
            return Ok(Some(output));
        }
        process_record(&input, ctx, |record, ctx| self.transform(record, ctx))
    }
}

export!(Records);

#[cfg(test)]
mod tests {
    use super::*;
    use pulsar_wasm::serde_json::{self, json};

    fn rules(upper: &str, increment: &str) -> Rules {
        Rules { upper: names(Some(upper.to_string()), ""), increment: names(Some(increment.to_string()), "") }
    }

    #[test]
    fn edits_named_fields_at_any_depth() {
        let mut record = json!({
            "name": "ada", "age": 36, "city": "london",
            "friends": [{"name": "bob", "age": 40}, {"name": null, "age": 1.5}],
            "address": {"name": "home", "age": "old", "street": {"name": "straße"}}
        });
        rules("name", "age").apply(&mut record);
        assert_eq!(
            record,
            json!({
                "name": "ADA", "age": 37, "city": "london",
                "friends": [{"name": "BOB", "age": 41}, {"name": null, "age": 1.5}],
                "address": {"name": "HOME", "age": "old", "street": {"name": "STRASSE"}}
            })
        );
    }

    #[test]
    fn key_value_records_are_edited_key_and_value() {
        let mut record = json!({"key": {"id": 1, "name": "k"}, "value": {"name": "v", "count": 9}});
        rules("name", "id, count").apply(&mut record);
        assert_eq!(record, json!({"key": {"id": 2, "name": "K"}, "value": {"name": "V", "count": 10}}));
    }

    #[test]
    fn increment_wraps_and_leaves_other_numbers() {
        let mut record = json!({"age": i64::MAX, "big": u64::MAX, "n": -1});
        rules("", "age,big,n").apply(&mut record);
        assert_eq!(record, json!({"age": i64::MIN, "big": u64::MAX, "n": 0}));
    }

    #[test]
    fn config_lists() {
        assert_eq!(names(None, "name"), vec!["name"]);
        assert_eq!(names(Some("a, b,,c ".to_string()), "name"), vec!["a", "b", "c"]);
        assert!(names(Some(String::new()), "name").is_empty());
    }

    #[test]
    fn raw_bytes_without_schema() {
        let schema = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert!(is_raw(None));
        assert!(is_raw(Some(&schema(r#"{"type":"BYTES","name":"Bytes","version":null,"properties":{}}"#))));
        assert!(!is_raw(Some(&schema(r#"{"type":"AVRO","name":"User","version":0,"definition":{},"properties":{}}"#))));
        assert!(!is_raw(Some(&schema(r#"{"type":"KEY_VALUE","encoding":"INLINE","key":{},"value":{}}"#))));
    }

    mod with_the_test_host {
        use super::super::*;
        use pulsar_wasm::testing::{Message, TestHost};

        const AVRO: &str = r#"{"type":"AVRO","name":"User","version":0,"definition":{},"properties":{}}"#;

        #[test]
        fn records_are_edited_and_published() {
            let host = TestHost::new().with_config("upper", "city").with_config("publish_to", "copies");
            let mut records: Records = host.init().unwrap();
            host.set_message(Message::new().schema(AVRO));
            let output = host.process(&mut records, br#"{"name":"ada","age":36,"city":"london"}"#.to_vec());
            assert_eq!(output, Ok(Some(br#"{"age":37,"city":"LONDON","name":"ada"}"#.to_vec())));
            assert_eq!(host.published()[0].topic, "copies");
            assert_eq!(host.published()[0].text(), r#"{"age":37,"city":"LONDON","name":"ada"}"#);
            let error = host.process(&mut records, b"not json".to_vec()).unwrap_err();
            assert!(error.starts_with("input is not JSON: "), "{}", error);
        }

        #[test]
        fn raw_bytes_without_a_schema_are_upper_cased() {
            let host = TestHost::new();
            let mut records: Records = host.init().unwrap();
            assert_eq!(host.process(&mut records, b"hello, raw".to_vec()), Ok(Some(b"HELLO, RAW".to_vec())));
            host.set_message(Message::new().schema(r#"{"type":"BYTES","name":"Bytes","version":null,"properties":{}}"#));
            assert_eq!(host.call_process(process, b"x1"), Ok(Some(b"X1".to_vec())));
            assert!(host.published().is_empty());
        }
    }
}
