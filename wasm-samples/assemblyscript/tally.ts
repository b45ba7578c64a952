// Tally, a bytes function (runBytes): wasm-samples/c/counter.c in AssemblyScript, a function that
// keeps working on a cluster without state storage. It counts the messages in the counter
// "messages" and remembers the last one in state "last", through the recoverable calls
// (ctx.tryCounterIncr, ...). When state fails (not enabled on the cluster, a store that fails), it
// counts and remembers in memory, logs that once, and adds what it counted meanwhile to the counter
// once the store works again; until the store has the last message again (its put failed), it
// answers the one it remembers. With user config "audit-topic" it publishes a copy of each message
// there; a copy Pulsar refuses is logged and skipped instead of failing the message. An empty
// message makes it forget the last one. Its answer: "count=<n> (stored|in memory) previous=<the
// message before, or ->", and " audit=refused" when the copy was refused; exactly counter.c's.
import { Context, Result, runBytes } from "../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

let auditTopic: string | null = null;
let total: i64 = 0;      // the count: the store's when it answers, else counted on in memory
let unstored: i64 = 0;   // messages counted while the store failed, to add once it works
let degraded = false;    // the store failed and that was logged; cleared once it works
let last: Uint8Array | null = null; // the last message, remembered in memory too
let unsaved = false;     // the store missed the last message (its put or delete failed)

export function init(): void {
  auditTopic = new Context().config("audit-topic");
}

/** A try call failed with error: log it, the first time in a row. */
function stateFailed(ctx: Context, error: string): void {
  if (!degraded) {
    ctx.warn("state failed, working from memory: " + error);
    degraded = true;
  }
}

function tally(input: Uint8Array, ctx: Context): Result {
  if (input.length > 256) return Result.error("input longer than 256 bytes");

  // count: the store's counter, or in memory while it fails
  let stored = false;
  let error = ctx.tryCounterIncr("messages", unstored + 1);
  if (error === null) {
    if (unstored > 0) ctx.info("state works again; stored " + unstored.toString() + " messages counted in memory");
    unstored = 0;
    degraded = false;
    const count = ctx.tryCounterGet("messages");
    error = count.error;
    if (error === null) {
      total = count.value;
      stored = true;
    }
  } else {
    unstored++;
  }
  if (error !== null) {
    stateFailed(ctx, error);
    total++;
  }

  // the previous message: from the store, or from memory while it fails or missed the last one
  const read = ctx.tryStateGet("last");
  let previous = read.value;
  const readError = read.error;
  if (readError !== null) stateFailed(ctx, readError);
  if (readError !== null || unsaved) previous = last;
  const written = input.length == 0 ? ctx.tryStateDelete("last") : ctx.tryStatePut("last", input);
  unsaved = written !== null;
  if (written !== null) stateFailed(ctx, written);
  last = input.length == 0 ? null : input.slice();

  // the audit copy: skipped, and said so, when Pulsar refuses it
  let refused = false;
  const audit = auditTopic;
  if (audit !== null) {
    const publishError = ctx.tryPublishBytes(audit, input, ctx.key());
    if (publishError !== null) {
      ctx.warn("audit copy refused: " + publishError);
      refused = true;
    }
  }

  const head = Uint8Array.wrap(String.UTF8.encode("count=" + total.toString() + (stored ? " (stored)" : " (in memory)")
    + " previous="));
  const body = previous !== null ? previous : Uint8Array.wrap(String.UTF8.encode("-"));
  const tail = Uint8Array.wrap(String.UTF8.encode(refused ? " audit=refused" : ""));
  const answer = new Uint8Array(head.length + body.length + tail.length);
  answer.set(head, 0);
  answer.set(body, head.length);
  answer.set(tail, head.length + body.length);
  return Result.uint8Array(answer);
}

export function process(ptr: usize, len: usize): i32 {
  return runBytes(ptr, len, tally);
}
