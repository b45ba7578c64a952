//! How a message was delivered: its redelivery count. In a file of its own, like `recover.rs`, so
//! that `lib.rs` keeps its layout (and committed samples their bytes: a panic's location names
//! lines of `lib.rs`).

use crate::Context;

#[cfg(target_arch = "wasm32")] mod host { // natively: `testing`'s in-memory host
    #[link(wasm_import_module = "pulsar")]
    extern "C" {
        pub fn get_redelivery_count() -> i32;
    }
}
#[cfg(not(target_arch = "wasm32"))]
use crate::testing::abi as host;

impl Context {
    /// How many times Pulsar delivered this message before: 0 the first time (and outside a
    /// message), more once it was retried (a failed message redelivered, an acknowledgement timed
    /// out). Pulsar counts redeliveries on Shared and Key_Shared subscriptions, which functions use
    /// unless they retain ordering.
    pub fn redelivery_count(&self) -> i32 {
        unsafe { host::get_redelivery_count() }
    }
}
