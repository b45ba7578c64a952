// Router, a String function: a message "<route>:<payload>" is published to the topic
// <topic-prefix><route> (user config "topic-prefix") with the input's key and a property
// "routed-from" naming the input topic, and produces no output of its own. A message without a
// route fails, naming what it expected.
import { Context, Result, run } from "../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

function route(input: string, ctx: Context): Result {
  const colon = input.indexOf(":");
  if (colon <= 0) {
    return Result.error("no route: expected <route>:<payload>, got '" + input + "'");
  }
  const prefix = ctx.config("topic-prefix");
  if (prefix === null) {
    return Result.error("user config 'topic-prefix' is not set");
  }
  const from = ctx.topic();
  const properties = new Map<string, string>();
  properties.set("routed-from", from !== null ? from : "");
  ctx.publish(prefix + input.substring(0, colon), input.substring(colon + 1), ctx.key(), properties);
  ctx.counterIncr("routed:" + input.substring(0, colon), 1);
  return Result.none();
}

export function process(ptr: usize, len: usize): i32 {
  return run(ptr, len, route);
}
