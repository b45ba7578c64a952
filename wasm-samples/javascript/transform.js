// A small JSON transform in JavaScript: parses the message, upper-cases its name, adds one to its
// count, sums the lengths of its items, and writes it back. With WasmStringFunction, the JavaScript
// side of the JSON end-to-end benchmark (against JavaJsonTransform, the same in Java with Jackson).
export function process(input) {
  const o = JSON.parse(input);
  o.name = o.name.toUpperCase();
  o.count = o.count + 1;
  o.total = o.items.reduce((sum, item) => sum + item.length, 0);
  return JSON.stringify(o);
}
