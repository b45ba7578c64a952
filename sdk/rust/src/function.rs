//! Functions that own state: the [`Function`] and [`LongFunction`] traits, exported by
//! [`export!`](crate::export) and [`export_long!`](crate::export_long).

use std::cell::RefCell;
use std::fmt::Display;
use std::thread::LocalKey;

use crate::{context, finish, owned, Context, Level};

/// A function with a lifecycle and state, for the bytes entry point (`process(ptr, len) ->
/// status`): deploy with `WasmBytesFunction` (`Input = Vec<u8>`), `WasmStringFunction`
/// (`Input = String`) or, with feature `json`, `WasmRecordFunction` (`Input =
/// serde_json::Value`). Export it with [`export!`](crate::export).
///
/// The host makes one instance per function instance: [`init`](Function::init) once, before the
/// first message (it reads the user config, secrets and identity from the [`Context`]; the
/// current message's fields are absent there); [`process`](Function::process) per message, with
/// `&mut self`, so state needs no `static mut`; [`close`](Function::close) when the instance
/// closes. An error is anything [`Display`]: from `process` it fails the message with that text
/// (the host's `GuestErrorException`, then Pulsar's retries and dead-lettering); from `init` it is
/// logged at error level as `init failed: <text>` and the instance traps, so it does not start.
///
/// ```
/// use pulsar_wasm::{export, Context, Function};
///
/// /// Prefixes each message with config `prefix` and a running number.
/// pub struct Numberer {
///     prefix: String,
///     seen: u64,
/// }
///
/// impl Function for Numberer {
///     type Input = String;
///     type Output = String;
///     type Error = String;
///
///     fn init(ctx: &Context) -> Result<Self, String> {
///         let prefix = ctx.config("prefix").ok_or("user config 'prefix' is not set")?;
///         Ok(Numberer { prefix, seen: 0 })
///     }
///
///     fn process(&mut self, input: String, ctx: &Context) -> Result<Option<String>, String> {
///         if input.is_empty() {
///             return Ok(None); // no output: filtered out
///         }
///         self.seen += 1;
///         ctx.record_metric("length", input.len() as f64);
///         Ok(Some(format!("{}{} {}", self.prefix, self.seen, input)))
///     }
/// }
///
/// export!(Numberer);
///
/// // In the crate's tests, natively (`cargo test`), against the in-memory host:
/// use pulsar_wasm::testing::TestHost;
///
/// let host = TestHost::new().with_config("prefix", "#");
/// let mut numberer: Numberer = host.init().unwrap();
/// assert_eq!(host.process(&mut numberer, "a".to_string()), Ok(Some("#1 a".to_string())));
/// assert_eq!(host.process(&mut numberer, String::new()), Ok(None));
/// assert_eq!(host.process(&mut numberer, "b".to_string()), Ok(Some("#2 b".to_string())));
/// assert_eq!(host.metrics()["length"], vec![1.0, 1.0]);
/// assert_eq!(TestHost::new().init::<Numberer>().err().unwrap(), "user config 'prefix' is not set");
/// ```
pub trait Function: Sized {
    /// The message value as the function takes it: `Vec<u8>` (as is), `String` (UTF-8; any other
    /// input fails the message with `input is not valid UTF-8: ...`) or, with feature `json`,
    /// `serde_json::Value` (anything else fails with `input is not JSON: ...`).
    type Input: Input;
    /// The output: `Vec<u8>`, `String` or, with feature `json`, `serde_json::Value` (written as
    /// JSON text).
    type Output: Output;
    /// The error of `init` and `process`, reported by its [`Display`] text.
    type Error: Display;

    /// Makes the instance, once, before the first message.
    fn init(ctx: &Context) -> Result<Self, Self::Error>;

    /// Handles one message: `Ok(Some(output))`, `Ok(None)` for no output, or `Err` to fail it.
    fn process(&mut self, input: Self::Input, ctx: &Context) -> Result<Option<Self::Output>, Self::Error>;

    /// Runs when the function instance closes; the default does nothing.
    fn close(&mut self, _ctx: &Context) {}
}

/// A function with a lifecycle and state for PIP-331's Long entry point (`process(i64) -> i64`),
/// deployed with `WasmFunction` (`Function<Long, Long>`). Export it with
/// [`export_long!`](crate::export_long).
///
/// As [`Function`], except that every message has an output and this entry point cannot report
/// an error: an `Err` from `process` is logged at error level as `process failed: <text>` and the
/// call traps, which fails the message.
///
/// ```
/// use pulsar_wasm::{export_long, Context, LongFunction};
/// use std::convert::Infallible;
///
/// pub struct Adder(i64);
///
/// impl LongFunction for Adder {
///     type Error = Infallible;
///
///     fn init(ctx: &Context) -> Result<Self, Infallible> {
///         Ok(Adder(ctx.config("add").and_then(|text| text.parse().ok()).unwrap_or(1)))
///     }
///
///     fn process(&mut self, input: i64, _ctx: &Context) -> Result<i64, Infallible> {
///         Ok(input.wrapping_add(self.0))
///     }
/// }
///
/// export_long!(Adder);
///
/// let host = pulsar_wasm::testing::TestHost::new().with_config("add", "5");
/// let mut adder: Adder = host.init_long().unwrap();
/// assert_eq!(host.process_long(&mut adder, 37), Ok(42));
/// ```
pub trait LongFunction: Sized {
    /// The error of `init` and `process`, reported by its [`Display`] text.
    type Error: Display;

    /// Makes the instance, once, before the first message.
    fn init(ctx: &Context) -> Result<Self, Self::Error>;

    /// Handles one message: its output, or `Err` to fail it (a trap, after logging the error).
    fn process(&mut self, input: i64, ctx: &Context) -> Result<i64, Self::Error>;

    /// Runs when the function instance closes; the default does nothing.
    fn close(&mut self, _ctx: &Context) {}
}

/// A type a [`Function`] takes its message value as: made from the bytes the host passes.
pub trait Input: Sized {
    /// Decodes the message value; `Err(text)` fails the message with `text`.
    fn from_input(bytes: Vec<u8>) -> Result<Self, String>;
}

/// A type a [`Function`] returns its output as: turned into the bytes handed to the host.
pub trait Output {
    /// Encodes the output.
    fn into_output(self) -> Vec<u8>;
}

impl Input for Vec<u8> {
    fn from_input(bytes: Vec<u8>) -> Result<Self, String> {
        Ok(bytes)
    }
}

impl Input for String {
    fn from_input(bytes: Vec<u8>) -> Result<Self, String> {
        String::from_utf8(bytes).map_err(|e| format!("input is not valid UTF-8: {}", e))
    }
}

impl Output for Vec<u8> {
    fn into_output(self) -> Vec<u8> {
        self
    }
}

impl Output for String {
    fn into_output(self) -> Vec<u8> {
        self.into_bytes()
    }
}

#[cfg(feature = "json")]
impl Input for serde_json::Value {
    fn from_input(bytes: Vec<u8>) -> Result<Self, String> {
        serde_json::from_slice(&bytes).map_err(|e| format!("input is not JSON: {}", e))
    }
}

#[cfg(feature = "json")]
impl Output for serde_json::Value {
    fn into_output(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

/// Where [`export!`](crate::export) keeps the instance: one per wasm instance (per thread
/// natively, so parallel tests do not share it).
#[doc(hidden)]
pub type Slot<F> = LocalKey<RefCell<Option<F>>>;

/// Logs the error of `init` and traps: a function that cannot start must not run.
fn init_failed(error: &dyn Display) -> ! {
    let message = format!("init failed: {}", error);
    context().log(Level::Error, &message);
    trap(&message)
}

/// Fails the current call: a wasm trap (`unreachable`); natively, where tests run, a panic.
#[cfg(target_arch = "wasm32")]
fn trap(_reason: &str) -> ! {
    std::process::abort()
}

/// Fails the current call: a wasm trap (`unreachable`); natively, where tests run, a panic.
#[cfg(not(target_arch = "wasm32"))]
fn trap(reason: &str) -> ! {
    panic!("wasm trap: {}", reason)
}

/// One message through a [`Function`]: decode, process, encode; errors as text.
pub(crate) fn process_one<F: Function>(function: &mut F, input: Vec<u8>, ctx: &Context) -> Result<Option<Vec<u8>>, String> {
    let input = F::Input::from_input(input)?;
    match function.process(input, ctx) {
        Ok(output) => Ok(output.map(Output::into_output)),
        Err(e) => Err(e.to_string()),
    }
}

/// The `init` export of [`export!`](crate::export).
#[doc(hidden)]
pub fn run_init<F: Function>(slot: &'static Slot<F>) {
    match F::init(&context()) {
        Ok(function) => slot.with(|cell| *cell.borrow_mut() = Some(function)),
        Err(e) => init_failed(&e),
    }
}

/// The `process` export of [`export!`](crate::export). A host that did not call `init` gets it
/// called before the first message.
#[doc(hidden)]
pub fn run_process<F: Function>(slot: &'static Slot<F>, ptr: *mut u8, len: usize) -> i32 {
    let input = unsafe { owned(ptr, len) };
    let ctx = context();
    finish(slot.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(F::init(&ctx).map_err(|e| format!("init failed: {}", e))?);
        }
        match cell.as_mut() {
            Some(function) => process_one(function, input, &ctx),
            None => Err("init failed".to_string()),
        }
    }))
}

/// The `close` export of [`export!`](crate::export).
#[doc(hidden)]
pub fn run_close<F: Function>(slot: &'static Slot<F>) {
    if let Some(mut function) = slot.with(|cell| cell.borrow_mut().take()) {
        function.close(&context());
    }
}

/// The `init` export of [`export_long!`](crate::export_long).
#[doc(hidden)]
pub fn run_long_init<F: LongFunction>(slot: &'static Slot<F>) {
    match F::init(&context()) {
        Ok(function) => slot.with(|cell| *cell.borrow_mut() = Some(function)),
        Err(e) => init_failed(&e),
    }
}

/// The `process` export of [`export_long!`](crate::export_long).
#[doc(hidden)]
pub fn run_long_process<F: LongFunction>(slot: &'static Slot<F>, input: i64) -> i64 {
    let ctx = context();
    slot.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            match F::init(&ctx) {
                Ok(function) => *cell = Some(function),
                Err(e) => init_failed(&e),
            }
        }
        let result = match cell.as_mut() {
            Some(function) => function.process(input, &ctx),
            None => trap("no function instance"),
        };
        match result {
            Ok(output) => output,
            Err(e) => {
                let message = format!("process failed: {}", e);
                ctx.log(Level::Error, &message);
                trap(&message)
            }
        }
    })
}

/// The `close` export of [`export_long!`](crate::export_long).
#[doc(hidden)]
pub fn run_long_close<F: LongFunction>(slot: &'static Slot<F>) {
    if let Some(mut function) = slot.with(|cell| cell.borrow_mut().take()) {
        function.close(&context());
    }
}

/// Exports a [`Function`] type: the module's `init`, `process(ptr, len) -> status` and `close`,
/// with one instance of the type kept between them.
///
/// ```ignore
/// pulsar_wasm::export!(MyFunction);
/// ```
///
/// The exports are Rust functions named `init`, `process` and `close` in the module where the
/// macro is used (on `wasm32` unmangled `extern "C"` wasm exports, elsewhere plain `fn`s), so a test
/// can run the module exactly as the host does: `TestHost::call_process(process, input)`.
#[macro_export]
macro_rules! export {
    ($function:ty) => {
        ::std::thread_local! {
            static __PULSAR_WASM_FUNCTION: ::std::cell::RefCell<::std::option::Option<$function>> =
                ::std::cell::RefCell::new(::std::option::Option::None);
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `init` export: makes the function instance.
            fn init() {
                $crate::run_init::<$function>(&__PULSAR_WASM_FUNCTION)
            }
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `process` export: one message through the function instance.
            fn process(ptr: *mut u8, len: usize) -> i32 {
                $crate::run_process::<$function>(&__PULSAR_WASM_FUNCTION, ptr, len)
            }
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `close` export: closes and drops the function instance.
            fn close() {
                $crate::run_close::<$function>(&__PULSAR_WASM_FUNCTION)
            }
        }
    };
}

/// Exports a [`LongFunction`] type: the module's `init`, `process(i64) -> i64` and `close`, with
/// one instance of the type kept between them. Deploy with `WasmFunction`.
///
/// ```ignore
/// pulsar_wasm::export_long!(MyLongFunction);
/// ```
///
/// As with [`export!`](crate::export), the exports are Rust functions named `init`, `process` and
/// `close` in the module where the macro is used.
#[macro_export]
macro_rules! export_long {
    ($function:ty) => {
        ::std::thread_local! {
            static __PULSAR_WASM_FUNCTION: ::std::cell::RefCell<::std::option::Option<$function>> =
                ::std::cell::RefCell::new(::std::option::Option::None);
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `init` export: makes the function instance.
            fn init() {
                $crate::run_long_init::<$function>(&__PULSAR_WASM_FUNCTION)
            }
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `process` export: one value through the function instance.
            fn process(input: i64) -> i64 {
                $crate::run_long_process::<$function>(&__PULSAR_WASM_FUNCTION, input)
            }
        }

        $crate::__pulsar_wasm_export_fn! {
            /// The module's `close` export: closes and drops the function instance.
            fn close() {
                $crate::run_long_close::<$function>(&__PULSAR_WASM_FUNCTION)
            }
        }
    };
}

/// Defines one export of the macros above: on `wasm32` an unmangled `extern "C"` function (the
/// wasm export), on other targets a plain Rust `fn` with the same body. Natively a failing call
/// panics (`trap`, the test host), and a panic must unwind into the test (`catch_unwind`) rather
/// than abort the process at an `extern "C"` boundary (rustc 1.81 and later).
#[doc(hidden)]
#[macro_export]
macro_rules! __pulsar_wasm_export_fn {
    ($(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $(-> $result:ty)? $body:block) => {
        $(#[$attr])*
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn $name($($arg: $ty),*) $(-> $result)? $body

        $(#[$attr])*
        #[cfg(not(target_arch = "wasm32"))]
        pub fn $name($($arg: $ty),*) $(-> $result)? $body
    };
}
