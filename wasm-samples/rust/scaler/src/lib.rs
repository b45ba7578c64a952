//! A Long -> Long function in Rust: `process(x) = x * factor + offset`.
//!
//! `factor` (default 2) and `offset` (default 0) are read from the function's user config in
//! `init`, which also logs one line at info level. No crates: the host ABI is declared here.

use std::mem;

#[link(wasm_import_module = "pulsar")]
extern "C" {
    /// Logs `len` bytes of UTF-8 at `ptr`; level 0 trace .. 4 error.
    #[link_name = "log"]
    fn pulsar_log(level: i32, ptr: *const u8, len: usize);
    /// Returns the config value for the key as `(ptr << 32) | len` in memory from `alloc`, or -1.
    #[link_name = "get_config"]
    fn pulsar_get_config(key_ptr: *const u8, key_len: usize) -> i64;
}

const INFO: i32 = 2;
const ABSENT: i64 = -1;

static mut FACTOR: i64 = 2;
static mut OFFSET: i64 = 0;

/// Memory the host fills with data it returns; ownership passes to the guest.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let ptr = buffer.as_mut_ptr();
    mem::forget(buffer);
    ptr
}

fn log_info(message: &str) {
    unsafe { pulsar_log(INFO, message.as_ptr(), message.len()) }
}

fn config(key: &str) -> Option<String> {
    let packed = unsafe { pulsar_get_config(key.as_ptr(), key.len()) };
    if packed == ABSENT {
        return None;
    }
    let ptr = ((packed as u64) >> 32) as usize as *mut u8;
    let len = ((packed as u64) & 0xffff_ffff) as usize;
    // The host wrote `len` bytes into a buffer of capacity `len` that `alloc` handed out.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    String::from_utf8(bytes).ok()
}

fn config_i64(key: &str, default: i64) -> i64 {
    config(key).and_then(|text| text.trim().parse().ok()).unwrap_or(default)
}

#[no_mangle]
pub extern "C" fn init() {
    let (factor, offset) = (config_i64("factor", 2), config_i64("offset", 0));
    unsafe {
        FACTOR = factor;
        OFFSET = offset;
    }
    log_info(&format!("scaler ready: factor={} offset={}", factor, offset));
}

#[no_mangle]
pub extern "C" fn process(input: i64) -> i64 {
    unsafe { input.wrapping_mul(FACTOR).wrapping_add(OFFSET) }
}
