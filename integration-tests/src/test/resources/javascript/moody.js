// For JavaScriptIT: throws on "boom", spins forever on "spin", fails "flaky" on its first delivery
// and says on which delivery it passed, upper-cases anything else.
export function process(input, ctx) {
  if (input === "boom") {
    throw new Error(`refusing ${input}`);
  }
  if (input === "flaky") {
    if (ctx.redeliveryCount() === 0) {
      throw new Error("not the first time");
    }
    return `FLAKY after ${ctx.redeliveryCount()} redelivery`;
  }
  while (input === "spin") {}
  return input.toUpperCase();
}
