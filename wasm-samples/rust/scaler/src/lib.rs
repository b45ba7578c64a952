//! A Long -> Long function (PIP-331's entry point) in Rust: `process(x) = x * factor + offset`.
//!
//! `factor` (default 2) and `offset` (default 0) are read from the function's user config in
//! `init`, which also logs one line at info level.

use pulsar_wasm::context;

static mut FACTOR: i64 = 2;
static mut OFFSET: i64 = 0;

fn config_i64(key: &str, default: i64) -> i64 {
    context().config(key).and_then(|text| text.trim().parse().ok()).unwrap_or(default)
}

#[no_mangle]
pub extern "C" fn init() {
    let (factor, offset) = (config_i64("factor", 2), config_i64("offset", 0));
    unsafe {
        FACTOR = factor;
        OFFSET = offset;
    }
    context().info(&format!("scaler ready: factor={} offset={}", factor, offset));
}

#[no_mangle]
pub extern "C" fn process(input: i64) -> i64 {
    unsafe { input.wrapping_mul(FACTOR).wrapping_add(OFFSET) }
}
