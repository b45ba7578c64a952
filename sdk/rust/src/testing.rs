//! Native tests of a function, without a wasm build or a wasm host (any target but `wasm32`).
//!
//! On a native target the SDK's [`Context`] calls no wasm imports: it reaches the [`TestHost`]
//! running the current call, an in-memory stand-in for pulsar-wasm's host (like the Java
//! `InMemoryHost`): user config, secrets, the function's identity, the current message (key,
//! topic, properties, event time, message id, schema), state, counters, and captured log lines,
//! publishes and metrics. Every Context method goes through the same code as on wasm down to the
//! host call, so `cargo test` checks the function's own logic and its use of the SDK. State and
//! publishing can be made to fail ([`TestHost::with_state_failure`],
//! [`TestHost::with_publish_failure`]) to test how a function recovers through the `try_` calls
//! (`Context::try_counter_incr`, ...).
//!
//! ```
//! use pulsar_wasm::testing::{Message, TestHost};
//!
//! let host = TestHost::new().with_config("greeting", "hi").with_counter("seen", 41);
//! host.set_message(Message::new().key("k1").property("lang", "en"));
//! let answer = host.with(|ctx| {
//!     ctx.counter_incr("seen", 1);
//!     ctx.publish_with("out", b"x", ctx.key().as_deref(), &[("via", "test")]);
//!     ctx.info("done");
//!     format!("{} {}", ctx.config("greeting").unwrap(), ctx.property("lang").unwrap())
//! });
//! assert_eq!(answer, "hi en");
//! assert_eq!(host.counters()["seen"], 42);
//! assert_eq!(host.published()[0].key.as_deref(), Some("k1"));
//! assert_eq!(host.logs(), vec!["INFO done"]);
//! ```
//!
//! A Context used outside a `TestHost` call (natively) panics, naming this module.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::function::process_one;
use crate::{alloc, context, Context, Function, LongFunction, ABSENT};

/// The current message, as the host describes it to the guest during a call (Java's
/// `TestRecord`). Every field is absent unless set; outside a message (e.g. in `init`) all are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    /// `Context::key`.
    pub key: Option<String>,
    /// `Context::topic`.
    pub topic: Option<String>,
    /// `Context::property` and `Context::properties`, in this order.
    pub properties: Vec<(String, String)>,
    /// `Context::event_time`, epoch milliseconds.
    pub event_time: Option<i64>,
    /// `Context::message_id`, opaque bytes.
    pub message_id: Option<Vec<u8>>,
    /// `Context::schema`: the schema JSON text (PIP-331, "Schema JSON"), e.g.
    /// `{"type":"AVRO",...}`; absent, `schema()` is `None`.
    pub schema: Option<String>,
    /// `Context::redelivery_count`: 0 unless set.
    pub redelivery_count: i32,
}

impl Message {
    /// A message with every field absent.
    pub fn new() -> Message {
        Message::default()
    }

    /// With this key.
    pub fn key(mut self, key: &str) -> Message {
        self.key = Some(key.to_string());
        self
    }

    /// With this topic.
    pub fn topic(mut self, topic: &str) -> Message {
        self.topic = Some(topic.to_string());
        self
    }

    /// With one more property.
    pub fn property(mut self, name: &str, value: &str) -> Message {
        self.properties.push((name.to_string(), value.to_string()));
        self
    }

    /// With this event time (epoch milliseconds).
    pub fn event_time(mut self, millis: i64) -> Message {
        self.event_time = Some(millis);
        self
    }

    /// With this message id.
    pub fn message_id(mut self, id: &[u8]) -> Message {
        self.message_id = Some(id.to_vec());
        self
    }

    /// With this schema JSON text.
    pub fn schema(mut self, schema_json: &str) -> Message {
        self.schema = Some(schema_json.to_string());
        self
    }

    /// Delivered this many times before, as a retried message is.
    pub fn redelivery_count(mut self, count: i32) -> Message {
        self.redelivery_count = count;
        self
    }
}

/// A message the function published (`Context::publish`, `publish_with`, `publish_json`...).
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The topic.
    pub topic: String,
    /// The value, as the guest passed it.
    pub value: Vec<u8>,
    /// The key; `None` for no key.
    pub key: Option<String>,
    /// The properties, in the order the guest gave them.
    pub properties: Vec<(String, String)>,
}

impl Published {
    /// The value as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

#[derive(Debug)]
struct State {
    config: BTreeMap<String, String>,
    secrets: BTreeMap<String, String>,
    tenant: String,
    namespace: String,
    function_name: String,
    instance_id: i32,
    num_instances: i32,
    message: Message,
    state: BTreeMap<String, Vec<u8>>,
    counters: BTreeMap<String, i64>,
    published: Vec<Published>,
    metrics: BTreeMap<String, Vec<f64>>,
    logs: Vec<String>,
    output: Option<Vec<u8>>,
    error: Option<String>,
    state_failure: Option<String>,
    publish_failure: Option<String>,
    last_error: Option<String>,
}

thread_local! {
    /// The host of the call running on this thread, if any.
    static CURRENT: RefCell<Option<Rc<RefCell<State>>>> = RefCell::new(None);
    /// The buffer the last host call returned, which `unpack` takes.
    static RETURNED: RefCell<Option<Vec<u8>>> = RefCell::new(None);
}

/// An in-memory host for native tests: set it up, run the function's calls through it, then read
/// what the function did. The defaults are those of the Java tester: no config, secrets, state or
/// counters; tenant `public`, namespace `default`, function `test-function`, instance 0 of 1; no
/// current message.
///
/// Calls: [`init`](TestHost::init) / [`process`](TestHost::process) /
/// [`close`](TestHost::close) for a [`Function`], `init_long` / `process_long` / `close_long` for a
/// [`LongFunction`], [`call_process`](TestHost::call_process) for the module's `process` export
/// exactly as the wasm host calls it (any exporting macro), and [`with`](TestHost::with) for any
/// code taking a [`Context`] (e.g. a plain `fn` handler). A `TestHost` is not `Send`: each test
/// makes its own.
#[derive(Debug)]
pub struct TestHost {
    state: Rc<RefCell<State>>,
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost::new()
    }
}

impl TestHost {
    /// A host with the defaults above.
    pub fn new() -> TestHost {
        TestHost {
            state: Rc::new(RefCell::new(State {
                config: BTreeMap::new(),
                secrets: BTreeMap::new(),
                tenant: "public".to_string(),
                namespace: "default".to_string(),
                function_name: "test-function".to_string(),
                instance_id: 0,
                num_instances: 1,
                message: Message::default(),
                state: BTreeMap::new(),
                counters: BTreeMap::new(),
                published: Vec::new(),
                metrics: BTreeMap::new(),
                logs: Vec::new(),
                output: None,
                error: None,
                state_failure: None,
                publish_failure: None,
                last_error: None,
            })),
        }
    }

    /// With a user config value (`Context::config`). As the host passes config, give numbers as
    /// the text the guest sees (`3`, not `3.0`, for a whole number).
    pub fn with_config(self, key: &str, value: &str) -> TestHost {
        self.state.borrow_mut().config.insert(key.to_string(), value.to_string());
        self
    }

    /// With a secret (`Context::secret`).
    pub fn with_secret(self, name: &str, value: &str) -> TestHost {
        self.state.borrow_mut().secrets.insert(name.to_string(), value.to_string());
        self
    }

    /// With the function's identity (`tenant`, `namespace`, `function_name`, `instance_id`,
    /// `num_instances`).
    pub fn with_identity(self, tenant: &str, namespace: &str, function_name: &str, instance_id: i32, num_instances: i32) -> TestHost {
        {
            let mut state = self.state.borrow_mut();
            state.tenant = tenant.to_string();
            state.namespace = namespace.to_string();
            state.function_name = function_name.to_string();
            state.instance_id = instance_id;
            state.num_instances = num_instances;
        }
        self
    }

    /// With a value in the state store (`Context::state_get`).
    pub fn with_state(self, key: &str, value: &[u8]) -> TestHost {
        self.state.borrow_mut().state.insert(key.to_string(), value.to_vec());
        self
    }

    /// With a counter's value (`Context::counter_get`).
    pub fn with_counter(self, key: &str, value: i64) -> TestHost {
        self.state.borrow_mut().counters.insert(key.to_string(), value);
        self
    }

    /// With every state operation failing (state, counters), as on a cluster without state
    /// storage: see [`set_state_failure`](TestHost::set_state_failure).
    pub fn with_state_failure(self, failure: &str) -> TestHost {
        self.set_state_failure(Some(failure));
        self
    }

    /// With every publish refused at once: see [`set_publish_failure`](TestHost::set_publish_failure).
    pub fn with_publish_failure(self, failure: &str) -> TestHost {
        self.set_publish_failure(Some(failure));
        self
    }

    /// Makes every state operation of the calls that follow (`state_get`, `state_put`,
    /// `state_delete`, `counter_incr`, `counter_get` and their `try_` twins) fail with `failure`,
    /// as Pulsar's context does on a cluster without state storage; `None` makes state work again
    /// (with what it held before). Give the failure as the host describes it after the operation's
    /// name, e.g. `java.lang.IllegalStateException: State public/default/test-function is not
    /// enabled.`: a recoverable call then returns `Err(HostError)` with the host's text,
    /// `pulsar.counter_incr: java.lang.IllegalStateException: ...`, and stores nothing; a plain
    /// call panics with that text (on the wasm host it fails the guest's call, and the message).
    pub fn set_state_failure(&self, failure: Option<&str>) {
        self.state.borrow_mut().state_failure = failure.map(str::to_string);
    }

    /// Makes every publish of the calls that follow be refused at once with `failure` (as Java's
    /// `InMemoryHost.failPublishes`); `None` makes publishing work again. `try_publish`... then
    /// return `Err(HostError)` with the host's text, `pulsar.publish to '<topic>': <failure>`, and
    /// publish nothing; `publish`... panic with that text (on the wasm host the message fails).
    pub fn set_publish_failure(&self, failure: Option<&str>) {
        self.state.borrow_mut().publish_failure = failure.map(str::to_string);
    }

    /// Makes `message` the current message of the calls that follow, until replaced or cleared.
    pub fn set_message(&self, message: Message) {
        self.state.borrow_mut().message = message;
    }

    /// No current message for the calls that follow (every message field absent).
    pub fn clear_message(&self) {
        self.set_message(Message::default());
    }

    /// Runs `call` with a [`Context`] served by this host, and returns what it returns.
    pub fn with<R>(&self, call: impl FnOnce(&Context) -> R) -> R {
        let _current = Current::install(&self.state);
        call(&context())
    }

    /// Runs a [`Function`]'s `init` (the current message is cleared first: `init` sees none).
    pub fn init<F: Function>(&self) -> Result<F, F::Error> {
        self.clear_message();
        self.with(|ctx| F::init(ctx))
    }

    /// Runs one message through a [`Function`]'s `process`, as the exported `process` does but
    /// typed: no decoding of the input, no encoding of the output.
    pub fn process<F: Function>(&self, function: &mut F, input: F::Input) -> Result<Option<F::Output>, F::Error> {
        self.with(|ctx| function.process(input, ctx))
    }

    /// Runs one message given as bytes through a [`Function`], as the module's `process` export
    /// does: the input decoded to `F::Input` (a decoding failure is an error), the output encoded,
    /// errors as their text.
    pub fn process_bytes<F: Function>(&self, function: &mut F, input: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.with(|ctx| process_one(function, input.to_vec(), ctx))
    }

    /// Runs a [`Function`]'s `close`.
    pub fn close<F: Function>(&self, function: &mut F) {
        self.with(|ctx| function.close(ctx))
    }

    /// Runs a [`LongFunction`]'s `init` (with no current message).
    pub fn init_long<F: LongFunction>(&self) -> Result<F, F::Error> {
        self.clear_message();
        self.with(|ctx| F::init(ctx))
    }

    /// Runs one value through a [`LongFunction`]'s `process`.
    pub fn process_long<F: LongFunction>(&self, function: &mut F, input: i64) -> Result<i64, F::Error> {
        self.with(|ctx| function.process(input, ctx))
    }

    /// Runs a [`LongFunction`]'s `close`.
    pub fn close_long<F: LongFunction>(&self, function: &mut F) {
        self.with(|ctx| function.close(ctx))
    }

    /// Calls a module's bytes `process` export as the wasm host does: the input copied into a
    /// buffer from the SDK's `alloc`, then `Ok(Some(output))` if the guest set one, `Ok(None)` if
    /// not, or `Err(text)` for a non-zero status with the text it passed to `set_error`.
    /// `process` is the function [`export!`](crate::export),
    /// [`export_function!`](crate::export_function), [`export_text_function!`](crate::export_text_function)
    /// or `export_record_function!` defined (for [`export!`](crate::export), the module's instance
    /// on this thread; its `init` runs first if [`call_export`](TestHost::call_export) did not).
    pub fn call_process(&self, process: fn(*mut u8, usize) -> i32, input: &[u8]) -> Result<Option<Vec<u8>>, String> {
        let ptr = alloc(input.len());
        unsafe { std::ptr::copy_nonoverlapping(input.as_ptr(), ptr, input.len()) };
        let status = {
            let _current = Current::install(&self.state);
            process(ptr, input.len())
        };
        let mut state = self.state.borrow_mut();
        let (output, error) = (state.output.take(), state.error.take());
        if status == 0 {
            Ok(output)
        } else {
            Err(error.unwrap_or_else(|| format!("status {} (the guest did not call set_error)", status)))
        }
    }

    /// Calls a module's `init` or `close` export (from [`export!`](crate::export) or
    /// [`export_long!`](crate::export_long)) as the wasm host does, with no current message for
    /// `init`. A failing `init` panics (on wasm, a trap), after logging `init failed: ...`.
    pub fn call_export(&self, export: fn()) {
        let _current = Current::install(&self.state);
        export()
    }

    /// Calls a module's Long `process` export (from [`export_long!`](crate::export_long)) as the
    /// wasm host does. A failing `process` panics (on wasm, a trap), after logging `process
    /// failed: ...`.
    pub fn call_long_process(&self, process: fn(i64) -> i64, input: i64) -> i64 {
        let _current = Current::install(&self.state);
        process(input)
    }

    /// The log lines so far, each as `LEVEL text` (`INFO scaler ready`), as the Java tester's
    /// `logLines()`.
    pub fn logs(&self) -> Vec<String> {
        self.state.borrow().logs.clone()
    }

    /// The messages published so far, in order.
    pub fn published(&self) -> Vec<Published> {
        self.state.borrow().published.clone()
    }

    /// The counters.
    pub fn counters(&self) -> BTreeMap<String, i64> {
        self.state.borrow().counters.clone()
    }

    /// The values recorded per metric (`Context::record_metric`), in order.
    pub fn metrics(&self) -> BTreeMap<String, Vec<f64>> {
        self.state.borrow().metrics.clone()
    }

    /// The state store.
    pub fn state(&self) -> BTreeMap<String, Vec<u8>> {
        self.state.borrow().state.clone()
    }
}

/// Makes a host the thread's current one for a call; puts the previous one back when dropped
/// (also when the call panics).
struct Current {
    previous: Option<Rc<RefCell<State>>>,
}

impl Current {
    fn install(state: &Rc<RefCell<State>>) -> Current {
        let previous = CURRENT.with(|current| current.borrow_mut().replace(Rc::clone(state)));
        Current { previous }
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

fn with_state<R>(call: impl FnOnce(&mut State) -> R) -> R {
    let state = CURRENT.with(|current| current.borrow().clone()).unwrap_or_else(|| {
        panic!(
            "pulsar_wasm: no host to call: natively, a Context works only inside a call of \
             pulsar_wasm::testing::TestHost (e.g. host.with(|ctx| ...))"
        )
    });
    let mut state = state.borrow_mut();
    call(&mut state)
}

/// Unpacks what an `abi` call returned: `None` when absent, else the buffer it set aside.
pub(crate) fn unpack(packed: i64) -> Option<Vec<u8>> {
    if packed == ABSENT {
        return None;
    }
    RETURNED.with(|returned| returned.borrow_mut().take())
}

/// The ABI's imports (PIP-331's table), natively: same names and signatures as the wasm imports,
/// served by the current [`TestHost`]. Data a call returns is set aside for `unpack` rather than
/// written to guest memory through a packed pointer, which needs 32-bit pointers.
#[allow(clippy::missing_safety_doc)]
pub(crate) mod abi {
    use super::{with_state, Published, State, RETURNED};
    use crate::{decode_map, encode_map, ABSENT};

    unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ptr, len)
        }
    }

    unsafe fn text(ptr: *const u8, len: usize) -> String {
        String::from_utf8(bytes(ptr, len).to_vec()).expect("the guest passed text that is not UTF-8")
    }

    fn give(value: Option<Vec<u8>>) -> i64 {
        match value {
            Some(value) => {
                RETURNED.with(|returned| *returned.borrow_mut() = Some(value));
                0
            }
            None => ABSENT,
        }
    }

    fn give_text(value: Option<&String>) -> i64 {
        give(value.map(|text| text.clone().into_bytes()))
    }

    fn identity(read: impl FnOnce(&State) -> &String) -> i64 {
        with_state(|state| give_text(Some(read(state))))
    }

    pub unsafe fn log(level: i32, ptr: *const u8, len: usize) {
        let level = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"][level as usize];
        let line = format!("{} {}", level, text(ptr, len));
        with_state(|state| state.logs.push(line))
    }

    pub unsafe fn get_config(key_ptr: *const u8, key_len: usize) -> i64 {
        let key = text(key_ptr, key_len);
        with_state(|state| give_text(state.config.get(&key)))
    }

    pub unsafe fn get_secret(key_ptr: *const u8, key_len: usize) -> i64 {
        let name = text(key_ptr, key_len);
        with_state(|state| give_text(state.secrets.get(&name)))
    }

    pub unsafe fn set_output(ptr: *const u8, len: usize) {
        let output = bytes(ptr, len).to_vec();
        with_state(|state| {
            assert!(state.output.is_none(), "pulsar.set_output called twice in one process call");
            state.output = Some(output)
        })
    }

    pub unsafe fn set_error(ptr: *const u8, len: usize) {
        let error = text(ptr, len);
        with_state(|state| state.error = Some(error))
    }

    pub unsafe fn get_key() -> i64 {
        with_state(|state| give_text(state.message.key.as_ref()))
    }

    pub unsafe fn get_topic() -> i64 {
        with_state(|state| give_text(state.message.topic.as_ref()))
    }

    pub unsafe fn get_property(name_ptr: *const u8, name_len: usize) -> i64 {
        let name = text(name_ptr, name_len);
        with_state(|state| {
            let value = state.message.properties.iter().rev().find(|(key, _)| *key == name).map(|(_, value)| value);
            give_text(value)
        })
    }

    pub unsafe fn get_properties() -> i64 {
        let properties = with_state(|state| state.message.properties.clone());
        let entries: Vec<(&str, &str)> = properties.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        give(Some(encode_map(&entries)))
    }

    pub unsafe fn get_event_time() -> i64 {
        with_state(|state| state.message.event_time.unwrap_or(ABSENT))
    }

    pub unsafe fn get_message_id() -> i64 {
        with_state(|state| give(state.message.message_id.clone()))
    }

    pub unsafe fn get_schema() -> i64 {
        with_state(|state| give_text(state.message.schema.as_ref()))
    }

    pub unsafe fn get_tenant() -> i64 {
        identity(|state| &state.tenant)
    }

    pub unsafe fn get_namespace() -> i64 {
        identity(|state| &state.namespace)
    }

    pub unsafe fn get_function_name() -> i64 {
        identity(|state| &state.function_name)
    }

    pub unsafe fn get_instance_id() -> i32 {
        with_state(|state| state.instance_id)
    }

    pub unsafe fn get_redelivery_count() -> i32 {
        with_state(|state| state.message.redelivery_count)
    }

    pub unsafe fn get_num_instances() -> i32 {
        with_state(|state| state.num_instances)
    }

    /// A host call's failure, as the host names it: `pulsar.<call>: <failure>`.
    type Failure = String;

    /// Runs a state operation, or gives the failure `set_state_failure` set.
    fn stateful<R>(call: &str, operation: impl FnOnce(&mut State) -> R) -> Result<R, Failure> {
        with_state(|state| match &state.state_failure {
            Some(failure) => Err(format!("pulsar.{}: {}", call, failure)),
            None => Ok(operation(state)),
        })
    }

    /// A plain call's failure: the guest's call fails (natively, a panic).
    fn plain<R>(result: Result<R, Failure>) -> R {
        result.unwrap_or_else(|failure| panic!("{}", failure))
    }

    /// A try_ call's failure: kept for last_error, and the call returns `fallback`.
    fn recoverable<R>(result: Result<R, Failure>, fallback: R) -> R {
        let (value, failure) = match result {
            Ok(value) => (value, None),
            Err(failure) => (fallback, Some(failure)),
        };
        with_state(|state| state.last_error = failure);
        value
    }

    unsafe fn state_get_(key_ptr: *const u8, key_len: usize) -> Result<Option<Vec<u8>>, Failure> {
        let key = text(key_ptr, key_len);
        stateful("state_get", |state| state.state.get(&key).cloned())
    }

    unsafe fn state_put_(key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize) -> Result<(), Failure> {
        let (key, value) = (text(key_ptr, key_len), bytes(value_ptr, value_len).to_vec());
        stateful("state_put", |state| {
            state.state.insert(key, value);
        })
    }

    unsafe fn state_delete_(key_ptr: *const u8, key_len: usize) -> Result<(), Failure> {
        let key = text(key_ptr, key_len);
        stateful("state_delete", |state| {
            state.state.remove(&key);
        })
    }

    unsafe fn counter_incr_(key_ptr: *const u8, key_len: usize, amount: i64) -> Result<(), Failure> {
        let key = text(key_ptr, key_len);
        stateful("counter_incr", |state| *state.counters.entry(key).or_insert(0) += amount)
    }

    unsafe fn counter_get_(key_ptr: *const u8, key_len: usize) -> Result<i64, Failure> {
        let key = text(key_ptr, key_len);
        stateful("counter_get", |state| state.counters.get(&key).copied().unwrap_or(0))
    }

    pub unsafe fn state_get(key_ptr: *const u8, key_len: usize) -> i64 {
        give(plain(state_get_(key_ptr, key_len)))
    }

    pub unsafe fn state_put(key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize) {
        plain(state_put_(key_ptr, key_len, value_ptr, value_len))
    }

    pub unsafe fn state_delete(key_ptr: *const u8, key_len: usize) {
        plain(state_delete_(key_ptr, key_len))
    }

    pub unsafe fn counter_incr(key_ptr: *const u8, key_len: usize, amount: i64) {
        plain(counter_incr_(key_ptr, key_len, amount))
    }

    pub unsafe fn counter_get(key_ptr: *const u8, key_len: usize) -> i64 {
        plain(counter_get_(key_ptr, key_len))
    }

    pub unsafe fn try_state_get(key_ptr: *const u8, key_len: usize) -> i64 {
        give(recoverable(state_get_(key_ptr, key_len), None))
    }

    pub unsafe fn try_state_put(key_ptr: *const u8, key_len: usize, value_ptr: *const u8, value_len: usize) {
        recoverable(state_put_(key_ptr, key_len, value_ptr, value_len), ())
    }

    pub unsafe fn try_state_delete(key_ptr: *const u8, key_len: usize) {
        recoverable(state_delete_(key_ptr, key_len), ())
    }

    pub unsafe fn try_counter_incr(key_ptr: *const u8, key_len: usize, amount: i64) {
        recoverable(counter_incr_(key_ptr, key_len, amount), ())
    }

    pub unsafe fn try_counter_get(key_ptr: *const u8, key_len: usize) -> i64 {
        recoverable(counter_get_(key_ptr, key_len), 0)
    }

    pub unsafe fn last_error() -> i64 {
        with_state(|state| give_text(state.last_error.as_ref()))
    }

    #[allow(clippy::too_many_arguments)]
    unsafe fn publish_(
        topic_ptr: *const u8,
        topic_len: usize,
        value_ptr: *const u8,
        value_len: usize,
        key_ptr: *const u8,
        key_len: usize,
        props_ptr: *const u8,
        props_len: usize,
    ) -> Result<(), Failure> {
        let published = Published {
            topic: text(topic_ptr, topic_len),
            value: bytes(value_ptr, value_len).to_vec(),
            key: if key_len == usize::MAX { None } else { Some(text(key_ptr, key_len)) },
            properties: if props_len == 0 { Vec::new() } else { decode_map(bytes(props_ptr, props_len)) },
        };
        with_state(|state| match &state.publish_failure {
            Some(failure) => Err(format!("pulsar.publish to '{}': {}", published.topic, failure)),
            None => {
                state.published.push(published);
                Ok(())
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub unsafe fn publish(
        topic_ptr: *const u8,
        topic_len: usize,
        value_ptr: *const u8,
        value_len: usize,
        key_ptr: *const u8,
        key_len: usize,
        props_ptr: *const u8,
        props_len: usize,
    ) {
        plain(publish_(topic_ptr, topic_len, value_ptr, value_len, key_ptr, key_len, props_ptr, props_len))
    }

    #[allow(clippy::too_many_arguments)]
    pub unsafe fn try_publish(
        topic_ptr: *const u8,
        topic_len: usize,
        value_ptr: *const u8,
        value_len: usize,
        key_ptr: *const u8,
        key_len: usize,
        props_ptr: *const u8,
        props_len: usize,
    ) {
        recoverable(publish_(topic_ptr, topic_len, value_ptr, value_len, key_ptr, key_len, props_ptr, props_len), ())
    }

    pub unsafe fn record_metric(name_ptr: *const u8, name_len: usize, value: f64) {
        let name = text(name_ptr, name_len);
        with_state(|state| state.metrics.entry(name).or_insert_with(Vec::new).push(value))
    }
}
