//! {{name}}: a pulsar-wasm function. Upper-cases each message and appends the user config's
//! "suffix"; an empty message has no output; one longer than MAX_LEN bytes fails (Pulsar retries
//! it, then dead-letters it with --max-message-retries and --dead-letter-topic).
use pulsar_wasm::{export, Context, Function};

/// The longest message shouted; a longer one fails.
const MAX_LEN: usize = 16;

pub struct Shout {
    suffix: String, // read once, in init
}

impl Function for Shout {
    type Input = String; // WasmStringFunction ("type": "string" in pulsar-wasm.json)
    type Output = String;
    type Error = String;

    fn init(ctx: &Context) -> Result<Self, String> {
        Ok(Shout { suffix: ctx.config("suffix").unwrap_or_else(|| "!".to_string()) })
    }

    fn process(&mut self, input: String, ctx: &Context) -> Result<Option<String>, String> {
        if input.is_empty() {
            return Ok(None); // no output: the message is filtered out
        }
        if input.len() > MAX_LEN {
            return Err(format!("a message of {} bytes is longer than {}", input.len(), MAX_LEN));
        }
        ctx.info(&format!("shouting the message of key {:?}", ctx.key()));
        Ok(Some(input.to_uppercase() + &self.suffix))
    }
}

export!(Shout);

// Native tests (cargo test, or pulsar-wasm test): the SDK's in-memory host, no wasm runtime.
#[cfg(test)]
mod tests {
    use super::*;
    use pulsar_wasm::testing::{Message, TestHost};

    #[test]
    fn shouts_with_the_configured_suffix() {
        let host = TestHost::new().with_config("suffix", "?!");
        let mut shout: Shout = host.init().unwrap(); // init sees no message
        host.set_message(Message::new().key("k1"));
        assert_eq!(host.process(&mut shout, "hi".to_string()), Ok(Some("HI?!".to_string())));
        assert_eq!(host.logs(), vec!["INFO shouting the message of key Some(\"k1\")"]);
    }

    #[test]
    fn an_empty_message_has_no_output_and_a_long_one_fails() {
        let host = TestHost::new();
        let mut shout: Shout = host.init().unwrap();
        assert_eq!(host.process(&mut shout, String::new()), Ok(None));
        assert_eq!(
            host.process(&mut shout, "x".repeat(17)),
            Err("a message of 17 bytes is longer than 16".to_string())
        );
    }
}
