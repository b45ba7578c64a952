// A string transform: upper-cases each message and appends a suffix from user config.
// Deploy with io.pulsarwasm.function.WasmStringFunction and {"wasm.module": ".../shout.js"}.
export function process(input, ctx) {
  if (input.length === 0) return null; // no output: the message is filtered out
  ctx.counterIncr("shouted", 1);
  ctx.log.info(`shouting ${ctx.key() ?? "-"}`);
  return input.toUpperCase() + (ctx.config("suffix") ?? "!");
}
