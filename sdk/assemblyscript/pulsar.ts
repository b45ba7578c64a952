// Guest SDK for pulsar-wasm: write an Apache Pulsar Function in AssemblyScript.
//
// An entry file re-exports the ABI's exports and wraps one handler:
//
//   import { Context, Result, run } from "../../sdk/assemblyscript/pulsar";
//   export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";
//   function shout(input: string, ctx: Context): Result { return Result.text(input.toUpperCase()); }
//   export function process(ptr: usize, len: usize): i32 { return run(ptr, len, shout); }
//
// Build with the default (incremental) runtime and abort routed here, so the module imports
// nothing but the host:  asc f.ts -O3 --use abort=sdk/assemblyscript/pulsar/abortHandler -o f.wasm

@external("pulsar", "log") declare function host_log(level: i32, ptr: usize, len: usize): void;
@external("pulsar", "get_config") declare function host_get_config(ptr: usize, len: usize): i64;
@external("pulsar", "get_secret") declare function host_get_secret(ptr: usize, len: usize): i64;
@external("pulsar", "set_output") declare function host_set_output(ptr: usize, len: usize): void;
@external("pulsar", "set_error") declare function host_set_error(ptr: usize, len: usize): void;
@external("pulsar", "get_key") declare function host_get_key(): i64;
@external("pulsar", "get_topic") declare function host_get_topic(): i64;
@external("pulsar", "get_property") declare function host_get_property(ptr: usize, len: usize): i64;
@external("pulsar", "counter_incr") declare function host_counter_incr(ptr: usize, len: usize, amount: i64): void;
@external("pulsar", "counter_get") declare function host_counter_get(ptr: usize, len: usize): i64;
@external("pulsar", "publish") declare function host_publish(topicPtr: usize, topicLen: usize, valuePtr: usize, valueLen: usize,
  keyPtr: usize, keyLen: usize, propsPtr: usize, propsLen: usize): void;
@external("pulsar", "record_metric") declare function host_record_metric(ptr: usize, len: usize, value: f64): void;
@external("pulsar", "get_schema") declare function host_get_schema(): i64;

const ABSENT: i64 = -1;

/** Memory for data the host hands the guest; the SDK copies it into managed objects and frees it. */
export function alloc(len: usize): usize {
  return heap.alloc(len);
}

/** The ABI version this SDK implements. */
export function pulsar_abi_version(): i32 {
  return 1;
}

/** Where AssemblyScript's `abort` goes (see --use abort=...): the message is logged, then the guest traps. */
export function abortHandler(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = "abort: " + (message !== null ? message : "") + " at " + (fileName !== null ? fileName : "?")
    + ":" + line.toString() + ":" + column.toString();
  const bytes = String.UTF8.encode(text);
  host_log(4, changetype<usize>(bytes), <usize>bytes.byteLength);
  unreachable();
}

function take(ptr: usize, len: usize): ArrayBuffer {
  const buffer = new ArrayBuffer(<i32>len);
  memory.copy(changetype<usize>(buffer), ptr, len);
  heap.free(ptr);
  return buffer;
}

function unpackText(packed: i64): string | null {
  if (packed == ABSENT) return null;
  const ptr = <usize>(<u64>packed >> 32);
  const len = <usize>(<u64>packed & 0xffffffff);
  return String.UTF8.decode(take(ptr, len));
}

function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

function encodeMap(map: Map<string, string>): ArrayBuffer {
  const keys = map.keys();
  let size = 4;
  const parts = new Array<ArrayBuffer>();
  for (let i = 0; i < keys.length; i++) {
    const key = utf8(keys[i]);
    const value = utf8(map.get(keys[i]));
    parts.push(key);
    parts.push(value);
    size += 8 + key.byteLength + value.byteLength;
  }
  const out = new ArrayBuffer(size);
  const view = new DataView(out);
  view.setUint32(0, keys.length, true);
  let at = 4;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    view.setUint32(at, part.byteLength, true);
    memory.copy(changetype<usize>(out) + at + 4, changetype<usize>(part), part.byteLength);
    at += 4 + part.byteLength;
  }
  return out;
}

/** Log levels, as the host maps them onto the function's logger. */
export enum Level { TRACE = 0, DEBUG = 1, INFO = 2, WARN = 3, ERROR = 4 }

/** What a handler returns: an output, none (the message is filtered out), or an error. */
export class Result {
  constructor(public output: ArrayBuffer | null, public error: string | null) {}
  static text(value: string): Result { return new Result(utf8(value), null); }
  static bytes(value: ArrayBuffer): Result { return new Result(value, null); }
  static none(): Result { return new Result(null, null); }
  static error(message: string): Result { return new Result(null, message); }
}

/** The Pulsar Function context. */
export class Context {
  log(level: Level, message: string): void {
    const bytes = utf8(message);
    host_log(level, changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  info(message: string): void { this.log(Level.INFO, message); }
  config(key: string): string | null {
    const bytes = utf8(key);
    return unpackText(host_get_config(changetype<usize>(bytes), <usize>bytes.byteLength));
  }
  secret(name: string): string | null {
    const bytes = utf8(name);
    return unpackText(host_get_secret(changetype<usize>(bytes), <usize>bytes.byteLength));
  }
  key(): string | null { return unpackText(host_get_key()); }
  topic(): string | null { return unpackText(host_get_topic()); }
  /** The record's schema as JSON text, `{"type":"AVRO","name":...,"definition":{...},"properties":{...},"version":3}`
   * (type BYTES for a topic without a schema, whose input is raw bytes); null outside a record or when it has none.
   * Only a module that calls it imports `pulsar.get_schema`. */
  schema(): string | null { return unpackText(host_get_schema()); }
  property(name: string): string | null {
    const bytes = utf8(name);
    return unpackText(host_get_property(changetype<usize>(bytes), <usize>bytes.byteLength));
  }
  counterIncr(key: string, amount: i64): void {
    const bytes = utf8(key);
    host_counter_incr(changetype<usize>(bytes), <usize>bytes.byteLength, amount);
  }
  counterGet(key: string): i64 {
    const bytes = utf8(key);
    return host_counter_get(changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  /** Publishes text to any topic, with an optional key and properties. */
  publish(topic: string, value: string, key: string | null, properties: Map<string, string>): void {
    const topicBytes = utf8(topic);
    const valueBytes = utf8(value);
    const keyBytes = key !== null ? utf8(key) : new ArrayBuffer(0);
    const keyLen: usize = key !== null ? <usize>keyBytes.byteLength : <usize>0xffffffff;
    const props = properties.size > 0 ? encodeMap(properties) : new ArrayBuffer(0);
    host_publish(changetype<usize>(topicBytes), <usize>topicBytes.byteLength,
      changetype<usize>(valueBytes), <usize>valueBytes.byteLength,
      changetype<usize>(keyBytes), keyLen,
      changetype<usize>(props), <usize>props.byteLength);
  }
  recordMetric(name: string, value: f64): void {
    const bytes = utf8(name);
    host_record_metric(changetype<usize>(bytes), <usize>bytes.byteLength, value);
  }
}

const CONTEXT = new Context();

/** Runs a text handler for the `process` export. */
export function run(ptr: usize, len: usize, handler: (input: string, ctx: Context) => Result): i32 {
  const input = String.UTF8.decode(take(ptr, len));
  const result = handler(input, CONTEXT);
  const error = result.error;
  if (error !== null) {
    const bytes = utf8(error);
    host_set_error(changetype<usize>(bytes), <usize>bytes.byteLength);
    return 1;
  }
  const output = result.output;
  if (output !== null) {
    host_set_output(changetype<usize>(output), <usize>output.byteLength);
  }
  return 0;
}
