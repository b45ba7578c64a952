//! A Long -> Long function (PIP-331's entry point) in Rust: `process(x) = x * factor + offset`.
//!
//! `factor` (default 2) and `offset` (default 0) are read from the function's user config in
//! `init`, which also logs one line at info level. The function is a [`LongFunction`]: its
//! configuration is the instance's state, with no `static mut`.

use pulsar_wasm::{export_long, Context, LongFunction};
use std::convert::Infallible;

/// The configured scaling.
pub struct Scaler {
    factor: i64,
    offset: i64,
}

fn config_i64(ctx: &Context, key: &str, default: i64) -> i64 {
    ctx.config(key).and_then(|text| text.trim().parse().ok()).unwrap_or(default)
}

impl LongFunction for Scaler {
    type Error = Infallible;

    fn init(ctx: &Context) -> Result<Scaler, Infallible> {
        let (factor, offset) = (config_i64(ctx, "factor", 2), config_i64(ctx, "offset", 0));
        ctx.info(&format!("scaler ready: factor={} offset={}", factor, offset));
        Ok(Scaler { factor, offset })
    }

    fn process(&mut self, input: i64, _ctx: &Context) -> Result<i64, Infallible> {
        Ok(input.wrapping_mul(self.factor).wrapping_add(self.offset))
    }
}

export_long!(Scaler);

/// Natively, with `cargo test` (no wasm build): the same cases as the Java `SamplesTest`.
#[cfg(test)]
mod tests {
    use super::*;
    use pulsar_wasm::testing::TestHost;

    #[test]
    fn reads_its_config_in_init_and_logs() {
        let host = TestHost::new().with_config("factor", "3").with_config("offset", "1");
        let mut scaler: Scaler = host.init_long().unwrap();
        assert_eq!(host.logs(), vec!["INFO scaler ready: factor=3 offset=1"]);
        assert_eq!(host.process_long(&mut scaler, 7), Ok(22));
        assert_eq!(host.process_long(&mut scaler, -7), Ok(-20));
    }

    #[test]
    fn defaults_and_unparsable_config() {
        let host = TestHost::new();
        let mut scaler: Scaler = host.init_long().unwrap();
        assert_eq!(host.process_long(&mut scaler, 7), Ok(14));
        let host = TestHost::new().with_config("factor", " 5 ").with_config("offset", "x");
        let mut scaler: Scaler = host.init_long().unwrap();
        assert_eq!(host.logs(), vec!["INFO scaler ready: factor=5 offset=0"]);
        assert_eq!(host.process_long(&mut scaler, 2), Ok(10));
    }

    #[test]
    fn wraps_on_overflow() {
        let host = TestHost::new().with_config("offset", "1");
        let mut scaler: Scaler = host.init_long().unwrap();
        assert_eq!(host.process_long(&mut scaler, i64::MAX), Ok(-1));
    }

    #[test]
    fn through_the_exports_as_the_host_calls_them() {
        let host = TestHost::new().with_config("factor", "3").with_config("offset", "1");
        host.call_export(init);
        assert_eq!(host.call_long_process(process, 7), 22);
        host.call_export(close);
        assert_eq!(host.logs(), vec!["INFO scaler ready: factor=3 offset=1"]);
    }
}
