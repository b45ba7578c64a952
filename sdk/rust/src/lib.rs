//! Guest SDK for pulsar-wasm: write an Apache Pulsar Function in Rust, for `wasm32-unknown-unknown`.
//!
//! A function is a type implementing [`Function`] (bytes, text or, with feature `json`, records)
//! or [`LongFunction`] (PIP-331's Long entry point), exported with [`export!`] or
//! [`export_long!`]: `init` builds it from the [`Context`] (user config, secrets, ...), `process`
//! handles each message and may keep state in `self`, `close` runs at shutdown. The output is
//! `Ok(Some(..))`, no output `Ok(None)` (the message is filtered out), or an error of any
//! [`Display`](std::fmt::Display) type, which fails the message. A plain `fn` handler works too:
//! [`export_function!`], [`export_text_function!`], `export_record_function!` (feature `json`).
//!
//! [`Context`] reaches every host call of the ABI (PIP-331, "The ABI, version 1"). On a native
//! target (`cargo test`) it calls an in-memory host instead: `testing::TestHost` runs a function
//! without a wasm build and captures its output, logs, publishes, state, counters and metrics.
//! See [`Function`] for a complete example with its test.
//!
//! Build with `cargo build --release --target wasm32-unknown-unknown` as a `cdylib` and deploy with
//! `WasmBytesFunction`/`WasmStringFunction`/`WasmRecordFunction` (`WasmFunction` for Long). The SDK
//! exports the ABI's `alloc` and `pulsar_abi_version`; the macros export `process` (and `init`,
//! `close`). No crates are needed, except by record functions (feature `json`: `serde_json`).
#![warn(missing_docs)]
use std::mem;
#[cfg(target_arch = "wasm32")] mod host { // the wasm imports; on other targets `testing`'s in-memory host
    #[link(wasm_import_module = "pulsar")]
    extern "C" {
        pub fn log(level: i32, ptr: *const u8, len: usize);
        pub fn get_config(key_ptr: *const u8, key_len: usize) -> i64;
        pub fn get_secret(key_ptr: *const u8, key_len: usize) -> i64;
        pub fn set_output(ptr: *const u8, len: usize);
        pub fn set_error(ptr: *const u8, len: usize);
        pub fn get_key() -> i64;
        pub fn get_topic() -> i64;
        pub fn get_property(name_ptr: *const u8, name_len: usize) -> i64;
        pub fn get_properties() -> i64;
        pub fn get_event_time() -> i64;
        pub fn get_message_id() -> i64;
        pub fn get_tenant() -> i64;
        pub fn get_namespace() -> i64;
        pub fn get_function_name() -> i64;
        pub fn get_instance_id() -> i32;
        pub fn get_num_instances() -> i32;
        pub fn state_get(key_ptr: *const u8, key_len: usize) -> i64;
        pub fn state_put(key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize);
        pub fn state_delete(key_ptr: *const u8, key_len: usize);
        pub fn counter_incr(key_ptr: *const u8, key_len: usize, amount: i64);
        pub fn counter_get(key_ptr: *const u8, key_len: usize) -> i64;
        #[allow(clippy::too_many_arguments)]
        pub fn publish(
            topic_ptr: *const u8,
            topic_len: usize,
            value_ptr: *const u8,
            value_len: usize,
            key_ptr: *const u8,
            key_len: usize,
            props_ptr: *const u8,
            props_len: usize,
        );
        pub fn record_metric(name_ptr: *const u8, name_len: usize, value: f64);
    }
}

/// The ABI version this SDK implements.
pub const ABI_VERSION: i32 = 1;

const ABSENT: i64 = -1;

/// Memory for data the host hands the guest; ownership passes to the guest.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let ptr = buffer.as_mut_ptr();
    mem::forget(buffer);
    ptr
}

/// Tells the host which ABI version this module was built for.
#[no_mangle]
pub extern "C" fn pulsar_abi_version() -> i32 {
    ABI_VERSION
}

/// Takes ownership of a buffer the host filled through `alloc`.
unsafe fn owned(ptr: *mut u8, len: usize) -> Vec<u8> {
    Vec::from_raw_parts(ptr, len, len)
}

/// Unpacks a `(ptr << 32) | len` value returned by the host; `None` when absent.
#[cfg(target_arch = "wasm32")] fn unpack(packed: i64) -> Option<Vec<u8>> {
    if packed == ABSENT {
        return None;
    }
    let ptr = ((packed as u64) >> 32) as usize as *mut u8;
    let len = ((packed as u64) & 0xffff_ffff) as usize;
    Some(unsafe { owned(ptr, len) })
}

fn unpack_text(packed: i64) -> Option<String> {
    unpack(packed).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Log levels, as the host maps them onto the function's logger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    #[doc = "Level 0: the finest detail."] Trace = 0,
    #[doc = "Level 1: detail for debugging."] Debug = 1,
    #[doc = "Level 2: normal operation."] Info = 2,
    #[doc = "Level 3: something unexpected, handled."] Warn = 3,
    #[doc = "Level 4: a failure."] Error = 4,
}

/// The Pulsar Function context: logging, configuration, the current message, the function's
/// identity, state, counters, publishing and metrics.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    _private: (),
}

/// The context; usable anywhere, including `init`.
pub fn context() -> Context {
    Context { _private: () }
}

impl Context {
    /// Logs a line through the function's logger.
    pub fn log(&self, level: Level, message: &str) {
        unsafe { host::log(level as i32, message.as_ptr(), message.len()) }
    }

    /// Logs at info level.
    pub fn info(&self, message: &str) {
        self.log(Level::Info, message)
    }

    /// Logs at warn level.
    pub fn warn(&self, message: &str) {
        self.log(Level::Warn, message)
    }

    /// A user config value (`--user-config`), as text.
    pub fn config(&self, key: &str) -> Option<String> {
        unpack_text(unsafe { host::get_config(key.as_ptr(), key.len()) })
    }

    /// A secret (`--secrets`), as the function's secrets provider resolves it.
    pub fn secret(&self, name: &str) -> Option<String> {
        unpack_text(unsafe { host::get_secret(name.as_ptr(), name.len()) })
    }

    /// The current message's key.
    pub fn key(&self) -> Option<String> {
        unpack_text(unsafe { host::get_key() })
    }

    /// The topic the current message came from.
    pub fn topic(&self) -> Option<String> {
        unpack_text(unsafe { host::get_topic() })
    }

    /// One property of the current message.
    pub fn property(&self, name: &str) -> Option<String> {
        unpack_text(unsafe { host::get_property(name.as_ptr(), name.len()) })
    }

    /// All properties of the current message, in the order the host gives them.
    pub fn properties(&self) -> Vec<(String, String)> {
        unpack(unsafe { host::get_properties() }).map(|bytes| decode_map(&bytes)).unwrap_or_default()
    }

    /// The current message's event time in epoch milliseconds, if the producer set one.
    pub fn event_time(&self) -> Option<i64> {
        let time = unsafe { host::get_event_time() };
        if time == ABSENT {
            None
        } else {
            Some(time)
        }
    }

    /// The current message's id, as opaque bytes (Pulsar's `MessageId.toByteArray()`).
    pub fn message_id(&self) -> Option<Vec<u8>> {
        unpack(unsafe { host::get_message_id() })
    }

    /// The function's tenant.
    pub fn tenant(&self) -> String {
        unpack_text(unsafe { host::get_tenant() }).unwrap_or_default()
    }

    /// The function's namespace.
    pub fn namespace(&self) -> String {
        unpack_text(unsafe { host::get_namespace() }).unwrap_or_default()
    }

    /// The function's name.
    pub fn function_name(&self) -> String {
        unpack_text(unsafe { host::get_function_name() }).unwrap_or_default()
    }

    /// This instance's id, 0 to `num_instances() - 1`.
    pub fn instance_id(&self) -> i32 {
        unsafe { host::get_instance_id() }
    }

    /// The function's parallelism.
    pub fn num_instances(&self) -> i32 {
        unsafe { host::get_num_instances() }
    }

    /// A value from the function's state store.
    pub fn state_get(&self, key: &str) -> Option<Vec<u8>> {
        unpack(unsafe { host::state_get(key.as_ptr(), key.len()) })
    }

    /// Stores a value in the function's state store.
    pub fn state_put(&self, key: &str, value: &[u8]) {
        unsafe { host::state_put(key.as_ptr(), key.len(), value.as_ptr(), value.len()) }
    }

    /// Deletes a value from the function's state store.
    pub fn state_delete(&self, key: &str) {
        unsafe { host::state_delete(key.as_ptr(), key.len()) }
    }

    /// Adds `amount` to a counter.
    pub fn counter_incr(&self, key: &str, amount: i64) {
        unsafe { host::counter_incr(key.as_ptr(), key.len(), amount) }
    }

    /// A counter's value (0 if never incremented).
    pub fn counter_get(&self, key: &str) -> i64 {
        unsafe { host::counter_get(key.as_ptr(), key.len()) }
    }

    /// Publishes a message to any topic. The input is acknowledged only once it is stored.
    pub fn publish(&self, topic: &str, value: &[u8]) {
        self.publish_with(topic, value, None, &[])
    }

    /// Publishes a message with an optional key and properties.
    pub fn publish_with(&self, topic: &str, value: &[u8], key: Option<&str>, properties: &[(&str, &str)]) {
        let properties = if properties.is_empty() { Vec::new() } else { encode_map(properties) };
        let (key_ptr, key_len) = match key {
            Some(key) => (key.as_ptr(), key.len()),
            None => (std::ptr::null(), usize::MAX),
        };
        unsafe {
            host::publish(
                topic.as_ptr(),
                topic.len(),
                value.as_ptr(),
                value.len(),
                key_ptr,
                key_len,
                properties.as_ptr(),
                properties.len(),
            )
        }
    }

    /// Records a value for a user metric (`pulsar-admin functions stats`).
    pub fn record_metric(&self, name: &str, value: f64) {
        unsafe { host::record_metric(name.as_ptr(), name.len(), value) }
    }
}

fn encode_map(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (key, value) in entries {
        for text in [key, value] {
            bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
            bytes.extend_from_slice(text.as_bytes());
        }
    }
    bytes
}

fn decode_map(bytes: &[u8]) -> Vec<(String, String)> {
    // Reads entries up to the first that would overrun the bytes (none from fewer than 4), as the C and AssemblyScript SDKs do.
    let read_u32 = |at: usize| bytes.get(at..at.checked_add(4)?).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let read_text = |at: usize| -> Option<(String, usize)> {
        let end = at.checked_add(4)?.checked_add(read_u32(at)?)?;
        Some((String::from_utf8_lossy(bytes.get(at + 4..end)?).into_owned(), end))
    };
    let (mut entries, mut at) = (Vec::new(), 4);
    for _ in 0..read_u32(0).unwrap_or(0) {
        match read_text(at).and_then(|(key, end)| read_text(end).map(|(value, end)| ((key, value), end))) {
            Some((entry, end)) => { entries.push(entry); at = end; }
            None => break,
        }
    }
    entries
}

/// Runs a bytes handler for the `process` export; use [`export_function!`] rather than calling it.
#[doc(hidden)]
pub fn run_bytes(ptr: *mut u8, len: usize, handler: fn(&[u8], &Context) -> Result<Option<Vec<u8>>, String>) -> i32 {
    let input = unsafe { owned(ptr, len) };
    finish(handler(&input, &context()))
}

/// Runs a text handler for the `process` export; use [`export_text_function!`] rather than calling it.
#[doc(hidden)]
pub fn run_text(ptr: *mut u8, len: usize, handler: fn(&str, &Context) -> Result<Option<String>, String>) -> i32 {
    let input = unsafe { owned(ptr, len) };
    match std::str::from_utf8(&input) {
        Ok(text) => finish(handler(text, &context()).map(|output| output.map(String::into_bytes))),
        Err(e) => finish(Err(format!("input is not valid UTF-8: {}", e))),
    }
}

fn finish(result: Result<Option<Vec<u8>>, String>) -> i32 {
    match result {
        Ok(Some(output)) => {
            unsafe { host::set_output(output.as_ptr(), output.len()) };
            0
        }
        Ok(None) => 0,
        Err(message) => {
            unsafe { host::set_error(message.as_ptr(), message.len()) };
            1
        }
    }
}

/// Exports `process` for a handler `fn(&[u8], &Context) -> Result<Option<Vec<u8>>, String>`.
#[macro_export]
macro_rules! export_function {
    ($handler:path) => {
        $crate::__pulsar_wasm_export_fn! {
            fn process(ptr: *mut u8, len: usize) -> i32 {
                $crate::run_bytes(ptr, len, $handler)
            }
        }
    };
}

/// Exports `process` for a handler `fn(&str, &Context) -> Result<Option<String>, String>`.
#[macro_export]
macro_rules! export_text_function {
    ($handler:path) => {
        $crate::__pulsar_wasm_export_fn! {
            fn process(ptr: *mut u8, len: usize) -> i32 {
                $crate::run_text(ptr, len, $handler)
            }
        }
    };
}

// Record functions live in their own file, declared last: code above keeps its line numbers, which
// panic locations compiled into the samples' .wasm files carry.
mod record;
#[cfg(feature = "json")]
pub use record::process_record;
#[cfg(feature = "json")]
#[doc(hidden)]
pub use record::run_record;
/// The `serde_json` crate the record API is built on (feature `json`), re-exported: a function
/// needs no dependency of its own to name `serde_json::Value` or use `serde_json::json!`.
#[cfg(feature = "json")]
pub use serde_json;

// Below, in files of their own for the same reason: functions that own state (the `Function` and
// `LongFunction` traits, `export!`, `export_long!`) and, on targets other than wasm32, the
// in-memory host that `Context` calls there (`testing`).
mod function;
pub use function::{Function, Input, LongFunction, Output};
#[doc(hidden)]
pub use function::{run_close, run_init, run_long_close, run_long_init, run_long_process, run_process, Slot};
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
#[cfg(not(target_arch = "wasm32"))]
use testing::abi as host;
#[cfg(not(target_arch = "wasm32"))]
use testing::unpack;

impl Context {
    /// Logs at trace level.
    pub fn trace(&self, message: &str) {
        self.log(Level::Trace, message)
    }

    /// Logs at debug level.
    pub fn debug(&self, message: &str) {
        self.log(Level::Debug, message)
    }

    /// Logs at error level.
    pub fn error(&self, message: &str) {
        self.log(Level::Error, message)
    }
}

// The recoverable host calls (`Context::try_state_get`, ..., `try_publish`) and their error, in a
// file of their own for the same reason.
mod recover;
pub use recover::HostError;

#[cfg(test)]
mod tests {
    use super::{decode_map, encode_map};

    fn pairs(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_string_map_round_trips_empty_names_and_values() {
        assert_eq!(encode_map(&[]), vec![0, 0, 0, 0]);
        assert_eq!(decode_map(&encode_map(&[])), pairs(&[]));
        assert_eq!(encode_map(&[("", "")]), vec![1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(decode_map(&encode_map(&[("", ""), ("a", "")])), pairs(&[("", ""), ("a", "")]));
    }

    #[test]
    fn a_string_map_of_no_bytes_is_empty_and_one_cut_short_reads_as_far_as_it_goes() {
        // As the C and AssemblyScript SDKs read it (and the host reads a publish's properties of no bytes).
        assert_eq!(decode_map(&[]), pairs(&[]));
        assert_eq!(decode_map(&[1, 0, 0]), pairs(&[]));
        assert_eq!(decode_map(&[1, 0, 0, 0]), pairs(&[]));
        assert_eq!(decode_map(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]), pairs(&[("", "")]));
        assert_eq!(decode_map(&[1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, b'x']), pairs(&[]));
        assert_eq!(decode_map(&[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), pairs(&[]));
    }
}

// How a message was delivered (`Context::redelivery_count`), in a file of its own for the same reason.
mod delivery;

// Window functions (`Window`, `WindowRecord`), in a file of its own for the same reason.
mod window;
pub use window::{Window, WindowRecord};
