// The relay (wat/relay.wat, javascript/relay.js) in AssemblyScript: returns each message unchanged (wasm-samples/javascript/relay.js's
// twin, for the JavaScript end-to-end benchmark).
import { Context, Result, runBytes } from "../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

export function process(ptr: usize, len: usize): i32 {
  return runBytes(ptr, len, (input: Uint8Array, ctx: Context): Result => Result.uint8Array(input));
}
