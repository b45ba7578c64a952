// {{name}}: a pulsar-wasm function. Upper-cases each message and appends the user config's
// "suffix"; an empty message has no output; one longer than MAX_LEN bytes fails (Pulsar retries
// it, then dead-letters it with --max-message-retries and --dead-letter-topic).
import { Context, Result, run } from "pulsar-wasm-assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "pulsar-wasm-assemblyscript/pulsar";

/** The longest message shouted; a longer one fails. */
const MAX_LEN = 16;

function shout(input: string, ctx: Context): Result {
  if (input.length == 0) return Result.none(); // no output: the message is filtered out
  const length = String.UTF8.byteLength(input);
  if (length > MAX_LEN) return Result.error(`a message of ${length} bytes is longer than 16`);
  const suffix = ctx.config("suffix");
  ctx.info("shouting");
  return Result.text(input.toUpperCase() + (suffix != null ? suffix : "!"));
}

export function process(ptr: usize, len: usize): i32 {
  return run(ptr, len, shout);
}
