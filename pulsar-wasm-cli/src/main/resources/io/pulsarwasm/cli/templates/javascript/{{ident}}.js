// @ts-check
// {{name}}: a pulsar-wasm function, deployed as this file. Upper-cases each message and appends the
// user config's "suffix"; an empty message has no output; one longer than MAX_LEN bytes fails
// (Pulsar retries it, then dead-letters it with --max-message-retries and --dead-letter-topic).

/** The longest message shouted; a longer one fails. */
const MAX_LEN = 16;

/**
 * @param {string} input the message's value (WasmStringFunction: "type": "string" in pulsar-wasm.json)
 * @param {import("{{sdk}}/javascript/pulsar-wasm").Context} ctx the function's context
 * @returns {string | null} the output; null for none
 */
export function process(input, ctx) {
  if (input.length === 0) return null; // no output: the message is filtered out
  const length = new TextEncoder().encode(input).length;
  if (length > MAX_LEN) throw new RangeError(`a message of ${length} bytes is longer than 16`);
  ctx.log.info(`shouting the message of key ${ctx.key() ?? "-"}`);
  return input.toUpperCase() + (ctx.config("suffix") ?? "!");
}
