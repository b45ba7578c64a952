// State, counters and publishing: counts visits per user (the message key), remembers each
// user's last page, and publishes a "first visit" event to a side topic.
// Deploy with io.pulsarwasm.function.WasmStringFunction; user config "welcome-topic" names the
// side topic (default persistent://public/default/welcome).
export function process(page, ctx) {
  const user = ctx.key();
  if (user === null) {
    throw new Error("a visit needs a key: the user");
  }
  const previous = ctx.state.getString(`last-page-${user}`);
  ctx.state.put(`last-page-${user}`, page);
  ctx.counterIncr(`visits-${user}`);
  const visits = ctx.counterGet(`visits-${user}`);
  if (previous === null) {
    const topic = ctx.config("welcome-topic") ?? "persistent://public/default/welcome";
    ctx.publish(topic, JSON.stringify({ user, page }), {
      key: user,
      properties: { source: ctx.functionName() },
    });
  }
  return `${user} visit ${visits}: ${previous ?? "(first)"} -> ${page}`;
}
