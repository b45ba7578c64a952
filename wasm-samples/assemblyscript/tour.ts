// Tour, a bytes function (runBytes): wasm-samples/c/context.c in AssemblyScript, the SDK's tour of
// the whole context. It answers with one line describing the context, keeps the previous input in
// state, counts messages, publishes the input to the topic in user config "echo-topic" (with a
// property) and records its length as a metric. The input is never decoded: state, the publish and
// the line carry its bytes as they are. SamplesTest checks that it answers exactly as context.c does.
import { Context, Result, runBytes } from "../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

const CAPACITY = 4096;

/** The answer under construction, cut at CAPACITY bytes: keys, topics and properties are the producer's. */
class Line {
  bytes: Uint8Array = new Uint8Array(CAPACITY);
  length: i32 = 0;
  add(part: Uint8Array): void {
    const n = min(part.length, CAPACITY - this.length);
    this.bytes.set(part.subarray(0, n), this.length);
    this.length += n;
  }
  text(part: string): void { this.add(Uint8Array.wrap(String.UTF8.encode(part))); }
  textOrDash(part: string | null): void { this.text(part !== null ? part : "-"); }
  bytesOrDash(part: Uint8Array | null): void { if (part !== null) this.add(part); else this.text("-"); }
}

function tour(input: Uint8Array, ctx: Context): Result {
  if (input.length > 256) return Result.error("input longer than 256 bytes");
  const previous = ctx.stateGet("previous");
  ctx.statePut("previous", input);
  ctx.stateDelete("never-set");
  ctx.counterIncr("messages", 1);

  const line = new Line();
  line.text(ctx.tenant() + "/" + ctx.namespace() + "/" + ctx.functionName());
  line.text(" instance " + ctx.instanceId().toString() + " of " + ctx.numInstances().toString());
  line.text(" key=");
  line.textOrDash(ctx.key());
  line.text(" topic=");
  line.textOrDash(ctx.topic());
  line.text(" time=" + ctx.eventTime().toString());
  const id = ctx.messageId();
  line.text(" id=" + (id !== null ? id.length : 0).toString() + "B props:");
  const properties = ctx.properties();
  const names = properties.keys();
  for (let i = 0; i < names.length; i++) {
    line.text(" " + names[i] + "=" + properties.get(names[i]));
  }
  line.text(" lang=");
  line.textOrDash(ctx.property("lang"));
  line.text(" previous=");
  line.bytesOrDash(previous);
  line.text(" messages=" + ctx.counterGet("messages").toString());

  const echo = ctx.config("echo-topic");
  if (echo !== null) {
    const from = new Map<string, string>();
    from.set("from", "tour.ts");
    ctx.publishBytes(echo, input, ctx.key(), from);
  }
  ctx.recordMetric("input-bytes", <f64>input.length);
  return Result.uint8Array(line.bytes.subarray(0, line.length));
}

export function process(ptr: usize, len: usize): i32 {
  return runBytes(ptr, len, tour);
}
