//! Recoverable host calls: the `try_` twins of the state and publish calls, whose host or Pulsar
//! failures come back to the guest as a [`HostError`] instead of failing its call.

use std::error::Error;
use std::fmt;

use crate::{encode_map, unpack, unpack_text, Context};

#[cfg(target_arch = "wasm32")] mod host { // natively: `testing`'s in-memory host
    #[link(wasm_import_module = "pulsar")]
    extern "C" {
        pub fn try_state_get(key_ptr: *const u8, key_len: usize) -> i64;
        pub fn try_state_put(key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize);
        pub fn try_state_delete(key_ptr: *const u8, key_len: usize);
        pub fn try_counter_incr(key_ptr: *const u8, key_len: usize, amount: i64);
        pub fn try_counter_get(key_ptr: *const u8, key_len: usize) -> i64;
        #[allow(clippy::too_many_arguments)]
        pub fn try_publish(
            topic_ptr: *const u8,
            topic_len: usize,
            value_ptr: *const u8,
            value_len: usize,
            key_ptr: *const u8,
            key_len: usize,
            props_ptr: *const u8,
            props_len: usize,
        );
        pub fn last_error() -> i64;
    }
}
#[cfg(not(target_arch = "wasm32"))]
use crate::testing::abi as host;

/// A failure of the host or of Pulsar in a recoverable (`try_`) host call: state storage not
/// enabled on the cluster, a state read that fails or times out in the store, a publish Pulsar
/// refuses at once. Its text is the host's, naming the operation, e.g. `pulsar.counter_incr:
/// java.lang.IllegalStateException: State public/default/f is not enabled.` or `pulsar.publish to
/// 'persistent://public/default/audit': ...`.
///
/// It converts into a `String` (`?` in a handler whose error is text) and is itself an error type
/// (`Function::Error = HostError`, or boxed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    message: String,
}

impl HostError {
    /// An error with this text, as the host would report it (e.g. to stand in for one in a test).
    pub fn new(message: impl Into<String>) -> HostError {
        HostError { message: message.into() }
    }

    /// The host's text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for HostError {}

impl From<HostError> for String {
    fn from(error: HostError) -> String {
        error.message
    }
}

/// What the latest `try_` call left in `pulsar.last_error`: `Ok` if it worked.
fn checked() -> Result<(), HostError> {
    match unpack_text(unsafe { host::last_error() }) {
        None => Ok(()),
        Some(message) => Err(HostError { message }),
    }
}

/// The recoverable host calls (PIP-331, "Recoverable host errors"). Each does what its plain twin
/// does ([`state_get`](Context::state_get), ...) when it works. When the host or Pulsar fails it
/// (the state store is not enabled on the cluster or fails, a publish is refused at once), the
/// plain call fails the guest's call (the message is retried or dead-lettered, the instance
/// replaced); this one returns `Err(HostError)` with the host's text and writes nothing, for the
/// function to handle: count in memory, skip a side publish, report it in its output.
///
/// The guest's own mistakes (text that is not UTF-8, a limit passed) and the call's deadline
/// still fail its call, as does a write Pulsar accepts and fails only after the guest returned
/// (the message is then retried or dead-lettered, as with the plain call).
///
/// Only a module that calls one of these imports its `pulsar.try_*` host call and
/// `pulsar.last_error`, which hosts older than them do not provide.
///
/// ```
/// use pulsar_wasm::testing::TestHost;
///
/// let host = TestHost::new().with_state_failure("java.lang.IllegalStateException: no state here");
/// host.with(|ctx| {
///     let error = ctx.try_counter_incr("seen", 1).unwrap_err();
///     assert_eq!(error.to_string(), "pulsar.counter_incr: java.lang.IllegalStateException: no state here");
/// });
/// ```
impl Context {
    /// [`state_get`](Context::state_get), recoverable: `Ok(None)` when nothing is stored under
    /// `key`.
    pub fn try_state_get(&self, key: &str) -> Result<Option<Vec<u8>>, HostError> {
        let packed = unsafe { host::try_state_get(key.as_ptr(), key.len()) };
        checked()?;
        Ok(unpack(packed))
    }

    /// [`try_state_get`](Context::try_state_get) decoded as UTF-8 text (invalid bytes become
    /// U+FFFD).
    pub fn try_state_get_text(&self, key: &str) -> Result<Option<String>, HostError> {
        Ok(self.try_state_get(key)?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// [`state_put`](Context::state_put), recoverable.
    pub fn try_state_put(&self, key: &str, value: &[u8]) -> Result<(), HostError> {
        unsafe { host::try_state_put(key.as_ptr(), key.len(), value.as_ptr(), value.len()) };
        checked()
    }

    /// [`state_delete`](Context::state_delete), recoverable.
    pub fn try_state_delete(&self, key: &str) -> Result<(), HostError> {
        unsafe { host::try_state_delete(key.as_ptr(), key.len()) };
        checked()
    }

    /// [`counter_incr`](Context::counter_incr), recoverable.
    pub fn try_counter_incr(&self, key: &str, amount: i64) -> Result<(), HostError> {
        unsafe { host::try_counter_incr(key.as_ptr(), key.len(), amount) };
        checked()
    }

    /// [`counter_get`](Context::counter_get), recoverable: `Ok(0)` for a counter never
    /// incremented.
    pub fn try_counter_get(&self, key: &str) -> Result<i64, HostError> {
        let value = unsafe { host::try_counter_get(key.as_ptr(), key.len()) };
        checked()?;
        Ok(value)
    }

    /// [`publish`](Context::publish), recoverable: `Err` when Pulsar refuses the message at once
    /// (a value that does not fit the topic's schema, a producer that cannot be created); nothing
    /// is published then. A message refused only after the guest returned fails the input message,
    /// as with `publish`.
    pub fn try_publish(&self, topic: &str, value: &[u8]) -> Result<(), HostError> {
        self.try_publish_with(topic, value, None, &[])
    }

    /// [`publish_with`](Context::publish_with) (an optional key and properties), recoverable.
    pub fn try_publish_with(&self, topic: &str, value: &[u8], key: Option<&str>, properties: &[(&str, &str)]) -> Result<(), HostError> {
        let properties = if properties.is_empty() { Vec::new() } else { encode_map(properties) };
        let (key_ptr, key_len) = match key {
            Some(key) => (key.as_ptr(), key.len()),
            None => (std::ptr::null(), usize::MAX),
        };
        unsafe {
            host::try_publish(
                topic.as_ptr(),
                topic.len(),
                value.as_ptr(),
                value.len(),
                key_ptr,
                key_len,
                properties.as_ptr(),
                properties.len(),
            )
        };
        checked()
    }
}

#[cfg(feature = "json")]
impl Context {
    /// [`publish_json`](Context::publish_json), recoverable (feature `json`): a value that does
    /// not fit the topic's schema is an `Err` rather than a failed message.
    pub fn try_publish_json(&self, topic: &str, value: &serde_json::Value) -> Result<(), HostError> {
        self.try_publish(topic, value.to_string().as_bytes())
    }

    /// [`publish_json_with`](Context::publish_json_with), recoverable (feature `json`).
    pub fn try_publish_json_with(
        &self,
        topic: &str,
        value: &serde_json::Value,
        key: Option<&str>,
        properties: &[(&str, &str)],
    ) -> Result<(), HostError> {
        self.try_publish_with(topic, value.to_string().as_bytes(), key, properties)
    }
}
