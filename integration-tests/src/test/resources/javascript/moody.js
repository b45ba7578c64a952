// For JavaScriptIT: throws on "boom", spins forever on "spin", upper-cases anything else.
export function process(input, ctx) {
  if (input === "boom") {
    throw new Error(`refusing ${input}`);
  }
  while (input === "spin") {}
  return input.toUpperCase();
}
