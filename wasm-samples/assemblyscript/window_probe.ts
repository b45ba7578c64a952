// A window function (WasmWindowFunction) that shows what it was given: one line per record of the
// window, oldest first, "<index> key=<key> time=<event time> id=<message id in hex> topic=<topic>
// props=<name>=<value>;... value=<value as text>", with "-" for what is absent, and "window of <n>"
// first. The tests of the host's window input read it back through this module.
import { Context, Result, WindowRecord, runWindow } from "../../sdk/assemblyscript/pulsar";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

function hex(bytes: Uint8Array): string {
  const digits = "0123456789abcdef";
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    out += digits.charAt(bytes[i] >> 4) + digits.charAt(bytes[i] & 15);
  }
  return out;
}

function describe(index: i32, record: WindowRecord): string {
  const key = record.key;
  const id = record.messageId;
  const topic = record.topic;
  let props = "";
  const names = record.properties.keys();
  for (let i = 0; i < names.length; i++) {
    props += (i > 0 ? ";" : "") + names[i] + "=" + record.properties.get(names[i]);
  }
  return index.toString()
    + " key=" + (key !== null ? key : "-")
    + " time=" + (record.hasEventTime ? record.eventTime.toString() : "-")
    + " id=" + (id !== null ? hex(id) : "-")
    + " topic=" + (topic !== null ? topic : "-")
    + " props=" + (names.length > 0 ? props : "-")
    + " value=" + record.text;
}

export function process(ptr: usize, len: usize): i32 {
  return runWindow(ptr, len, (records: WindowRecord[], ctx: Context): Result => {
    let out = "window of " + records.length.toString();
    for (let i = 0; i < records.length; i++) {
      out += "\n" + describe(i, records[i]);
    }
    if (ctx.key() !== null) {
      return Result.error("a window has no current message, yet get_key gave one");
    }
    return Result.text(out);
  });
}
