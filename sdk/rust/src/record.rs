//! Record functions: the schema of the current record, and (feature `json`) records as
//! `serde_json` values.

#[cfg(feature = "json")]
use crate::{context, finish, owned};
use crate::{unpack_text, Context};

#[cfg(target_arch = "wasm32")] mod host { // natively: `testing`'s in-memory host
    #[link(wasm_import_module = "pulsar")]
    extern "C" {
        pub fn get_schema() -> i64;
    }
}

impl Context {
    /// The current record's schema, as the JSON text the host describes it with (host call
    /// `pulsar.get_schema`), e.g. `{"type":"AVRO","name":"User","version":0,"definition":{...},
    /// "properties":{}}`. `type` is Pulsar's schema type name (`AVRO`, `JSON`, `PROTOBUF_NATIVE`,
    /// `KEY_VALUE`, `STRING`, `INT64`, ...); `BYTES` is a topic without a schema, whose input is
    /// the raw message value rather than JSON. A key/value schema has `"encoding"` (`INLINE` or
    /// `SEPARATED`) and `"key"` and `"value"` of the same shape. `None` outside a record (e.g. in
    /// `init`).
    ///
    /// Only a module that calls this imports `pulsar.get_schema`, which older hosts lack.
    pub fn schema(&self) -> Option<String> {
        unpack_text(unsafe { host::get_schema() })
    }
}

#[cfg(feature = "json")]
impl Context {
    /// The current record's schema ([`Context::schema`]) parsed as JSON (feature `json`); `None`
    /// outside a record.
    pub fn schema_json(&self) -> Option<serde_json::Value> {
        self.schema().and_then(|text| serde_json::from_str(&text).ok())
    }

    /// Publishes a JSON value to any topic, as JSON text (feature `json`). To a topic configured
    /// with a schema the host encodes it into that schema, and a value that does not fit fails
    /// the message. The input is acknowledged only once the message is stored.
    pub fn publish_json(&self, topic: &str, value: &serde_json::Value) {
        self.publish(topic, value.to_string().as_bytes())
    }

    /// Publishes a JSON value ([`Context::publish_json`]) with an optional key and properties
    /// (feature `json`).
    pub fn publish_json_with(
        &self,
        topic: &str,
        value: &serde_json::Value,
        key: Option<&str>,
        properties: &[(&str, &str)],
    ) {
        self.publish_with(topic, value.to_string().as_bytes(), key, properties)
    }
}

/// Runs a record handler on one message value (feature `json`): parses `input` as JSON, calls
/// `handler`, and serializes its output as JSON text. This is what
/// [`export_record_function!`](crate::export_record_function) does per message. Call it from a
/// bytes handler ([`export_function!`](crate::export_function)) that decides per message whether
/// its input is JSON at all, e.g. by [`Context::schema`]: on a topic without a schema
/// (`"type":"BYTES"`) the input is the raw message value. An input that is not JSON is an error
/// starting `input is not JSON: `.
///
/// ```ignore
/// fn handle(input: &[u8], ctx: &Context) -> Result<Option<Vec<u8>>, String> {
///     if ctx.schema_json().map_or(true, |schema| schema["type"] == "BYTES") {
///         return Ok(Some(input.to_vec()));
///     }
///     process_record(input, ctx, |record, _ctx| Ok(Some(record)))
/// }
/// export_function!(handle);
/// ```
#[cfg(feature = "json")]
pub fn process_record<F>(input: &[u8], ctx: &Context, handler: F) -> Result<Option<Vec<u8>>, String>
where
    F: FnOnce(serde_json::Value, &Context) -> Result<Option<serde_json::Value>, String>,
{
    let record = serde_json::from_slice(input).map_err(|e| format!("input is not JSON: {}", e))?;
    Ok(handler(record, ctx)?.map(|output| output.to_string().into_bytes()))
}

/// Runs a record handler for the `process` export; use
/// [`export_record_function!`](crate::export_record_function) rather than calling it.
#[cfg(feature = "json")]
#[doc(hidden)]
pub fn run_record(
    ptr: *mut u8,
    len: usize,
    handler: fn(serde_json::Value, &Context) -> Result<Option<serde_json::Value>, String>,
) -> i32 {
    let input = unsafe { owned(ptr, len) };
    finish(process_record(&input, &context(), handler))
}

/// Exports `process` for a record handler
/// `fn(serde_json::Value, &Context) -> Result<Option<serde_json::Value>, String>` (feature `json`);
/// deploy with `WasmRecordFunction`.
///
/// The input is the record's value as JSON: an object for Avro, JSON and Protobuf records,
/// `{"key": .., "value": ..}` on a key/value topic. An input that is not JSON (a topic without a
/// schema passes the raw message value; see [`process_record`]) fails the message. The output is
/// serialized as JSON text, which the host encodes into the output schema (a value that does not
/// fit fails the message); `Ok(None)` is no output, `Err(text)` fails the message with `text`.
///
/// ```ignore
/// use pulsar_wasm::serde_json::Value;
/// use pulsar_wasm::{export_record_function, Context};
///
/// fn birthday(mut user: Value, _ctx: &Context) -> Result<Option<Value>, String> {
///     let age = user["age"].as_i64().ok_or("no integer field 'age'")?;
///     user["age"] = Value::from(age + 1);
///     Ok(Some(user))
/// }
/// export_record_function!(birthday);
/// ```
#[cfg(feature = "json")]
#[macro_export]
macro_rules! export_record_function {
    ($handler:path) => {
        $crate::__pulsar_wasm_export_fn! {
            fn process(ptr: *mut u8, len: usize) -> i32 {
                $crate::run_record(ptr, len, $handler)
            }
        }
    };
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn run(
        input: &[u8],
        handler: fn(Value, &Context) -> Result<Option<Value>, String>,
    ) -> Result<Option<String>, String> {
        process_record(input, &context(), handler).map(|output| output.map(|bytes| String::from_utf8(bytes).unwrap()))
    }

    #[test]
    fn parses_the_input_and_serializes_the_output() {
        assert_eq!(
            run(br#"{"a": [1, "x"]}"#, |record, _| Ok(Some(json!({"got": record})))),
            Ok(Some(r#"{"got":{"a":[1,"x"]}}"#.to_string()))
        );
    }

    #[test]
    fn no_output_and_errors_pass_through() {
        assert_eq!(run(b"1", |_, _| Ok(None)), Ok(None));
        assert_eq!(run(b"1", |_, _| Err("bad record".to_string())), Err("bad record".to_string()));
    }

    #[test]
    fn an_input_that_is_not_json_is_an_error_naming_that() {
        let error = run(b"hello", |_, _| panic!("not called")).unwrap_err();
        assert!(error.starts_with("input is not JSON: "), "{}", error);
    }
}

// Natively, `get_schema` is served by the in-memory host (`testing`), with the other imports.
#[cfg(not(target_arch = "wasm32"))]
use crate::host;
