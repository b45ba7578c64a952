// Not a sample: samples.test.mjs compiles this module to test sdk/assemblyscript/pulsar.ts with empty
// and absent values in every Context call. One command per message:
//   read   every getter, one line each: text as "...", bytes as [length], absent as null
//   try    the recoverable getters: value and error
//   write  every write with empty values (state, counters, publishes, a log line, a metric): "ok"
//          when every recoverable one worked
//   none / bytes / view / error   no output / an empty ArrayBuffer / an empty view / an empty error
// and anything else, the empty input too, comes back as it is.
import { Context, Result, run } from "../../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../../sdk/assemblyscript/pulsar";

function show(text: string | null): string {
  return text !== null ? "\"" + text + "\"" : "null";
}

function count(bytes: Uint8Array | null): string {
  return bytes !== null ? "[" + bytes.length.toString() + "]" : "null";
}

function read(ctx: Context): string {
  const properties = ctx.properties();
  const names = properties.keys();
  let listed = "";
  for (let i = 0; i < names.length; i++) {
    listed += (i > 0 ? "," : "") + show(names[i]) + ":" + show(properties.get(names[i]));
  }
  return [
    "config " + show(ctx.config("empty")) + " " + show(ctx.config("none")) + " " + show(ctx.config("")),
    "secret " + show(ctx.secret("empty")) + " " + show(ctx.secret("none")),
    "key " + show(ctx.key()),
    "topic " + show(ctx.topic()),
    "property " + show(ctx.property("")) + " " + show(ctx.property("p")),
    "properties " + names.length.toString() + " {" + listed + "}",
    "eventTime " + ctx.eventTime().toString(),
    "redeliveryCount " + ctx.redeliveryCount().toString(),
    "messageId " + count(ctx.messageId()),
    "schema " + show(ctx.schema()),
    "identity " + show(ctx.tenant()) + " " + show(ctx.namespace()) + " " + show(ctx.functionName()),
    "state " + count(ctx.stateGet("empty")) + " " + count(ctx.stateGet("none")) + " "
      + show(ctx.stateGetText("empty")) + " " + show(ctx.stateGetText("none")),
    "counter " + ctx.counterGet("").toString(),
  ].join("\n");
}

function tryRead(ctx: Context): string {
  const empty = ctx.tryStateGet("empty");
  const none = ctx.tryStateGet("none");
  const text = ctx.tryStateGetText("empty");
  const counter = ctx.tryCounterGet("");
  return [
    "tryStateGet " + count(empty.value) + " " + show(empty.error),
    "tryStateGet " + count(none.value) + " " + show(none.error),
    "tryStateGetText " + show(text.value) + " " + show(text.error),
    "tryCounterGet " + counter.value.toString() + " " + show(counter.error),
  ].join("\n");
}

function write(ctx: Context): string {
  const empty = new Uint8Array(0);
  const none = new Map<string, string>();
  const blank = new Map<string, string>();
  blank.set("", "");
  ctx.statePut("bytes", empty);
  ctx.statePutText("text", "");
  ctx.statePut("", new Uint8Array(4).subarray(1, 1)); // an empty view into a larger buffer
  ctx.stateDelete("never-set");
  ctx.counterIncr("", 0);
  ctx.publish("t", "", "", none);
  ctx.publish("t", "", null, blank);
  ctx.publishBytes("t", empty);
  ctx.publishBytes("t", empty, "", blank);
  ctx.info("");
  ctx.recordMetric("", 0);
  const errors: Array<string | null> = [
    ctx.tryStatePut("try-bytes", empty),
    ctx.tryStatePutText("try-text", ""),
    ctx.tryStateDelete("none"),
    ctx.tryCounterIncr("", 0),
    ctx.tryPublish("t", ""),
    ctx.tryPublishBytes("t", empty, "", none),
  ];
  for (let i = 0; i < errors.length; i++) {
    const error = errors[i];
    if (error !== null) return "failed: " + error;
  }
  return "ok";
}

function edges(input: string, ctx: Context): Result {
  if (input == "read") return Result.text(read(ctx));
  if (input == "try") return Result.text(tryRead(ctx));
  if (input == "write") return Result.text(write(ctx));
  if (input == "none") return Result.none();
  if (input == "bytes") return Result.bytes(new ArrayBuffer(0));
  if (input == "view") return Result.uint8Array(new Uint8Array(4).subarray(2, 2));
  if (input == "error") return Result.error("");
  return Result.text(input);
}

export function process(ptr: usize, len: usize): i32 {
  return run(ptr, len, edges);
}
