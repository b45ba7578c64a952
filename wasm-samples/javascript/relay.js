// The relay in JavaScript: returns each message unchanged. With WasmBytesFunction, the baseline
// of the JavaScript end-to-end benchmark (against JavaRelay and relay.ts).
export function process(input) {
  return input;
}
