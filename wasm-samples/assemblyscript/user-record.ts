// User record, a record function (io.pulsarwasm.function.WasmRecordFunction), wasm-samples/c/record.c
// in AssemblyScript: reads the record's value as a JSON object, e.g. {"name":"ada","age":36,"email":null},
// and answers with the same members in the same order, the string "name" upper-cased (ASCII) and
// the integer "age" plus one: {"name":"ADA","age":37,"email":null}. Every other member, and a
// "name" or "age" of another type (null, say), is copied through as it is. Input that is not a
// JSON object fails the message.
import { Context, Result, run } from "../../sdk/assemblyscript/pulsar";
import { JsonNumber, JsonObject, JsonString, parseJson } from "../../sdk/assemblyscript/json";
export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";

function upperAscii(text: string): string {
  const units = new Array<i32>(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    units[i] = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  }
  return String.fromCharCodes(units);
}

function record(input: string, ctx: Context): Result {
  const value = parseJson(input);
  if (!(value instanceof JsonObject)) return Result.error("input is not a JSON object");
  const user = <JsonObject>value;
  for (let i = 0; i < user.names.length; i++) {
    const member = user.values[i];
    if (user.names[i] == "name" && member instanceof JsonString) {
      user.values[i] = new JsonString(upperAscii((<JsonString>member).value));
    } else if (user.names[i] == "age" && member instanceof JsonNumber && (<JsonNumber>member).isI64()) {
      const age = (<JsonNumber>member).toI64();
      if (age == i64.MAX_VALUE) return Result.error("age is too large");
      user.values[i] = JsonNumber.of(age + 1);
    }
  }
  return Result.text(user.toJson());
}

export function process(ptr: usize, len: usize): i32 {
  return run(ptr, len, record);
}
