// For JavaScriptIT: publishes its input to a side topic twice (the second time with a traceparent
// of its own) and answers with the traceparent it sees.
export function process(input, ctx) {
  ctx.publish("persistent://public/default/js-traced-side", input + " side");
  ctx.publish("persistent://public/default/js-traced-side", input + " own", {
    properties: { traceparent: "00-11111111111111111111111111111111-2222222222222222-00" },
  });
  return input + " " + ctx.property("traceparent");
}
