// A bytes function: appends a one-byte XOR checksum to each message and refuses empty ones.
// Deploy with io.pulsarwasm.function.WasmBytesFunction; process receives a Uint8Array.
export function process(input, ctx) {
  if (input.length === 0) {
    throw new RangeError("an empty message has no checksum");
  }
  let sum = 0;
  for (const b of input) sum ^= b;
  const out = new Uint8Array(input.length + 1);
  out.set(input);
  out[input.length] = sum;
  ctx.recordMetric("checksum_bytes", input.length);
  return out;
}
