// Guest SDK for pulsar-wasm: write an Apache Pulsar Function in AssemblyScript.
//
// An entry file re-exports the ABI's exports and wraps one handler:
//
//   import { Context, Result, run } from "../../sdk/assemblyscript/pulsar";
//   export { alloc, pulsar_abi_version } from "../../sdk/assemblyscript/pulsar";
//   function shout(input: string, ctx: Context): Result { return Result.text(input.toUpperCase()); }
//   export function process(ptr: usize, len: usize): i32 { return run(ptr, len, shout); }
//
// `run` decodes the input as UTF-8 text (invalid bytes become U+FFFD); `runBytes` hands the handler
// the message value as it is, a Uint8Array, for a bytes function:
//
//   function flip(input: Uint8Array, ctx: Context): Result {
//     const out = new Uint8Array(input.length);
//     for (let i = 0; i < input.length; i++) out[i] = ~input[i];
//     return Result.uint8Array(out);
//   }
//   export function process(ptr: usize, len: usize): i32 { return runBytes(ptr, len, flip); }
//
// Test a built module without Pulsar in Node: sdk/assemblyscript/testing.mjs.
//
// A module imports only the host functions its code calls.
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
@external("pulsar", "get_properties") declare function host_get_properties(): i64;
@external("pulsar", "get_event_time") declare function host_get_event_time(): i64;
@external("pulsar", "get_message_id") declare function host_get_message_id(): i64;
@external("pulsar", "get_tenant") declare function host_get_tenant(): i64;
@external("pulsar", "get_namespace") declare function host_get_namespace(): i64;
@external("pulsar", "get_function_name") declare function host_get_function_name(): i64;
@external("pulsar", "get_instance_id") declare function host_get_instance_id(): i32;
@external("pulsar", "get_num_instances") declare function host_get_num_instances(): i32;
@external("pulsar", "get_redelivery_count") declare function host_get_redelivery_count(): i32;
@external("pulsar", "state_get") declare function host_state_get(ptr: usize, len: usize): i64;
@external("pulsar", "state_put") declare function host_state_put(keyPtr: usize, keyLen: usize, valuePtr: usize, valueLen: usize): void;
@external("pulsar", "state_delete") declare function host_state_delete(ptr: usize, len: usize): void;
@external("pulsar", "try_state_get") declare function host_try_state_get(ptr: usize, len: usize): i64;
@external("pulsar", "try_state_put") declare function host_try_state_put(keyPtr: usize, keyLen: usize, valuePtr: usize, valueLen: usize): void;
@external("pulsar", "try_state_delete") declare function host_try_state_delete(ptr: usize, len: usize): void;
@external("pulsar", "try_counter_incr") declare function host_try_counter_incr(ptr: usize, len: usize, amount: i64): void;
@external("pulsar", "try_counter_get") declare function host_try_counter_get(ptr: usize, len: usize): i64;
@external("pulsar", "try_publish") declare function host_try_publish(topicPtr: usize, topicLen: usize, valuePtr: usize, valueLen: usize,
  keyPtr: usize, keyLen: usize, propsPtr: usize, propsLen: usize): void;
@external("pulsar", "last_error") declare function host_last_error(): i64;

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

function unpackBytes(packed: i64): Uint8Array | null {
  if (packed == ABSENT) return null;
  const ptr = <usize>(<u64>packed >> 32);
  const len = <usize>(<u64>packed & 0xffffffff);
  return Uint8Array.wrap(take(ptr, len));
}

/** The bytes a view shows, as an ArrayBuffer: its own buffer when it shows all of it, else a copy. */
function bufferOf(view: Uint8Array): ArrayBuffer {
  const buffer = view.buffer;
  if (view.byteOffset == 0 && view.byteLength == buffer.byteLength) return buffer;
  return buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
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

/** Reads a string map (u32 count, then per entry u32 length + key, u32 length + value, little-endian);
 * stops at the first entry that would overrun it. */
function decodeMap(buffer: ArrayBuffer): Map<string, string> {
  const map = new Map<string, string>();
  const size = <u32>buffer.byteLength;
  if (size < 4) return map;
  const base = changetype<usize>(buffer);
  const count = load<u32>(base);
  let at: u32 = 4;
  for (let i: u32 = 0; i < count; i++) {
    if (size - at < 4) break;
    const keyLen = load<u32>(base + at);
    if (size - at - 4 < keyLen) break;
    const key = String.UTF8.decodeUnsafe(base + at + 4, keyLen);
    at += 4 + keyLen;
    if (size - at < 4) break;
    const valueLen = load<u32>(base + at);
    if (size - at - 4 < valueLen) break;
    const value = String.UTF8.decodeUnsafe(base + at + 4, valueLen);
    at += 4 + valueLen;
    map.set(key, value);
  }
  return map;
}

/** Log levels, as the host maps them onto the function's logger. */
export enum Level { TRACE = 0, DEBUG = 1, INFO = 2, WARN = 3, ERROR = 4 }

/** What a handler returns: an output, none (the message is filtered out), or an error. */
export class Result {
  constructor(public output: ArrayBuffer | null, public error: string | null) {}
  static text(value: string): Result { return new Result(utf8(value), null); }
  static bytes(value: ArrayBuffer): Result { return new Result(value, null); }
  /** The bytes the view shows (copied only when it shows part of its buffer). */
  static uint8Array(value: Uint8Array): Result { return new Result(bufferOf(value), null); }
  static none(): Result { return new Result(null, null); }
  static error(message: string): Result { return new Result(null, message); }
}

/** What a recoverable getter returns (`Context.tryStateGet`, `tryCounterGet`...): the value when the host call
 * worked (`error` null), or the host's error text (`value` then what the call gives for nothing: null, 0). */
export class HostResult<T> {
  constructor(public value: T, public error: string | null) {}
  /** Whether the call worked. */
  get ok(): bool { return this.error === null; }
}

/** The Pulsar Function context: every host call of the ABI (docs/abi.md).
 * Text is UTF-8 both ways; bytes are Uint8Arrays the handler owns. */
export class Context {
  log(level: Level, message: string): void {
    const bytes = utf8(message);
    host_log(level, changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  info(message: string): void { this.log(Level.INFO, message); }
  debug(message: string): void { this.log(Level.DEBUG, message); }
  warn(message: string): void { this.log(Level.WARN, message); }
  error(message: string): void { this.log(Level.ERROR, message); }
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
  /** All properties of the current record, in the record's order; empty outside a record. */
  properties(): Map<string, string> {
    const bytes = unpackBytes(host_get_properties());
    return bytes !== null ? decodeMap(bytes.buffer) : new Map<string, string>();
  }
  /** The current record's event time in epoch milliseconds, or -1 if it has none. */
  eventTime(): i64 { return host_get_event_time(); }
  /** The current record's message id, opaque bytes (MessageId.toByteArray()); null if it has none. */
  messageId(): Uint8Array | null { return unpackBytes(host_get_message_id()); }
  /** The function's tenant. */
  tenant(): string { const text = unpackText(host_get_tenant()); return text !== null ? text : ""; }
  /** The function's namespace. */
  namespace(): string { const text = unpackText(host_get_namespace()); return text !== null ? text : ""; }
  /** The function's name. */
  functionName(): string { const text = unpackText(host_get_function_name()); return text !== null ? text : ""; }
  /** This instance's id, from 0. */
  instanceId(): i32 { return host_get_instance_id(); }
  /** How many instances the function runs (its parallelism). */
  numInstances(): i32 { return host_get_num_instances(); }
  /** How many times Pulsar delivered this message before: 0 the first time (and outside a message). */
  redeliveryCount(): i32 { return host_get_redelivery_count(); }
  /** The state value stored under key, or null. State needs state storage on the cluster. */
  stateGet(key: string): Uint8Array | null {
    const bytes = utf8(key);
    return unpackBytes(host_state_get(changetype<usize>(bytes), <usize>bytes.byteLength));
  }
  /** The state value stored under key decoded as UTF-8 text, or null. */
  stateGetText(key: string): string | null {
    const bytes = utf8(key);
    return unpackText(host_state_get(changetype<usize>(bytes), <usize>bytes.byteLength));
  }
  /** Stores value under key. */
  statePut(key: string, value: Uint8Array): void {
    const bytes = utf8(key);
    host_state_put(changetype<usize>(bytes), <usize>bytes.byteLength, value.dataStart, <usize>value.byteLength);
  }
  /** Stores text, UTF-8, under key. */
  statePutText(key: string, value: string): void {
    const bytes = utf8(key);
    const valueBytes = utf8(value);
    host_state_put(changetype<usize>(bytes), <usize>bytes.byteLength, changetype<usize>(valueBytes),
      <usize>valueBytes.byteLength);
  }
  /** Deletes the state value stored under key. */
  stateDelete(key: string): void {
    const bytes = utf8(key);
    host_state_delete(changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  // Recoverable calls (pip/pip-331.md, "Recoverable host errors"): each does what its plain twin does when it
  // works. When the host or Pulsar fails it (state storage not enabled on the cluster, a store that fails, a
  // publish refused at once), the plain call fails the guest's call (the message is retried or dead-lettered);
  // these write nothing and give the host's error text, naming the operation
  // ("pulsar.counter_incr: java.lang.IllegalStateException: ..."), for the function to handle. The guest's
  // own mistakes and the deadline still fail its call. Only a module that calls them imports
  // `pulsar.try_*` and `pulsar.last_error`, which older hosts lack.

  /** `stateGet`, recoverable: the value (null if none) or the error text. */
  tryStateGet(key: string): HostResult<Uint8Array | null> {
    const bytes = utf8(key);
    const packed = host_try_state_get(changetype<usize>(bytes), <usize>bytes.byteLength);
    const error = lastError();
    return new HostResult<Uint8Array | null>(error === null ? unpackBytes(packed) : null, error);
  }
  /** `stateGetText`, recoverable: the value as UTF-8 text (null if none) or the error text. */
  tryStateGetText(key: string): HostResult<string | null> {
    const bytes = utf8(key);
    const packed = host_try_state_get(changetype<usize>(bytes), <usize>bytes.byteLength);
    const error = lastError();
    return new HostResult<string | null>(error === null ? unpackText(packed) : null, error);
  }
  /** `statePut`, recoverable: null, or the error text. */
  tryStatePut(key: string, value: Uint8Array): string | null {
    const bytes = utf8(key);
    host_try_state_put(changetype<usize>(bytes), <usize>bytes.byteLength, value.dataStart, <usize>value.byteLength);
    return lastError();
  }
  /** `statePutText`, recoverable: null, or the error text. */
  tryStatePutText(key: string, value: string): string | null {
    const bytes = utf8(key);
    const valueBytes = utf8(value);
    host_try_state_put(changetype<usize>(bytes), <usize>bytes.byteLength, changetype<usize>(valueBytes),
      <usize>valueBytes.byteLength);
    return lastError();
  }
  /** `stateDelete`, recoverable: null, or the error text. */
  tryStateDelete(key: string): string | null {
    const bytes = utf8(key);
    host_try_state_delete(changetype<usize>(bytes), <usize>bytes.byteLength);
    return lastError();
  }
  /** `counterIncr`, recoverable: null, or the error text. */
  tryCounterIncr(key: string, amount: i64): string | null {
    const bytes = utf8(key);
    host_try_counter_incr(changetype<usize>(bytes), <usize>bytes.byteLength, amount);
    return lastError();
  }
  /** `counterGet`, recoverable: the counter (0 if never incremented), or the error text (value 0). */
  tryCounterGet(key: string): HostResult<i64> {
    const bytes = utf8(key);
    const value = host_try_counter_get(changetype<usize>(bytes), <usize>bytes.byteLength);
    const error = lastError();
    return new HostResult<i64>(error === null ? value : 0, error);
  }
  /** `publish` (text), recoverable: null, or the error text when Pulsar refuses the message at once (nothing is
   * published then). */
  tryPublish(topic: string, value: string, key: string | null = null, properties: Map<string, string> | null = null): string | null {
    return this.tryPublishBytes(topic, Uint8Array.wrap(utf8(value)), key, properties);
  }
  /** `publishBytes`, recoverable: null, or the error text when Pulsar refuses the message at once. */
  tryPublishBytes(topic: string, value: Uint8Array, key: string | null = null,
    properties: Map<string, string> | null = null): string | null {
    const topicBytes = utf8(topic);
    const keyBytes = key !== null ? utf8(key) : new ArrayBuffer(0);
    const keyLen: usize = key !== null ? <usize>keyBytes.byteLength : <usize>0xffffffff;
    const props = properties !== null && properties.size > 0 ? encodeMap(properties) : new ArrayBuffer(0);
    host_try_publish(changetype<usize>(topicBytes), <usize>topicBytes.byteLength,
      value.dataStart, <usize>value.byteLength,
      changetype<usize>(keyBytes), keyLen,
      changetype<usize>(props), <usize>props.byteLength);
    return lastError();
  }

  /** Publishes bytes to any topic, with an optional key and properties. */
  publishBytes(topic: string, value: Uint8Array, key: string | null = null,
    properties: Map<string, string> | null = null): void {
    const topicBytes = utf8(topic);
    const keyBytes = key !== null ? utf8(key) : new ArrayBuffer(0);
    const keyLen: usize = key !== null ? <usize>keyBytes.byteLength : <usize>0xffffffff;
    const props = properties !== null && properties.size > 0 ? encodeMap(properties) : new ArrayBuffer(0);
    host_publish(changetype<usize>(topicBytes), <usize>topicBytes.byteLength,
      value.dataStart, <usize>value.byteLength,
      changetype<usize>(keyBytes), keyLen,
      changetype<usize>(props), <usize>props.byteLength);
  }
}

const CONTEXT = new Context();

/** The failure of the latest try_ host call, as the host's text; null if it worked. */
function lastError(): string | null {
  return unpackText(host_last_error());
}

/** Runs a bytes handler for the `process` export: the message value as it is, no decoding. */
export function runBytes(ptr: usize, len: usize, handler: (input: Uint8Array, ctx: Context) => Result): i32 {
  return finish(handler(Uint8Array.wrap(take(ptr, len)), CONTEXT));
}

/** Runs a text handler for the `process` export: the input decoded as UTF-8 (invalid bytes become U+FFFD). */
export function run(ptr: usize, len: usize, handler: (input: string, ctx: Context) => Result): i32 {
  return finish(handler(String.UTF8.decode(take(ptr, len)), CONTEXT));
}

/** One record of a window (`runWindow`), as Pulsar delivered it; absent parts are null. */
export class WindowRecord {
  key: string | null = null;
  /** Event time in epoch milliseconds; -1 when `hasEventTime` is false. */
  eventTime: i64 = -1;
  hasEventTime: bool = false;
  messageId: Uint8Array | null = null;
  topic: string | null = null;
  properties: Map<string, string> = new Map<string, string>();
  value: Uint8Array = new Uint8Array(0);
  /** The value decoded as UTF-8 (invalid bytes become U+FFFD). */
  get text(): string { return String.UTF8.decode(bufferOf(this.value)); }
}

/** Reads the ABI's window input (docs/abi.md) at base..base+size into records; null if it is malformed. */
function readWindow(buffer: ArrayBuffer): WindowRecord[] | null {
  const size = <u32>buffer.byteLength;
  const base = changetype<usize>(buffer);
  if (size < 8 || load<u32>(base) != 0x4E495750) return null;
  const count = load<u32>(base + 4);
  // never trust a count for an allocation: each record takes at least 12 bytes
  if (count > (size - 8) / 12) return null;
  const records = new Array<WindowRecord>(0);
  let at: u32 = 8;
  for (let i: u32 = 0; i < count; i++) {
    const record = new WindowRecord();
    if (size - at < 4) return null;
    const flags = load<u32>(base + at);
    at += 4;
    if (flags & 1) {
      if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
      const len = load<u32>(base + at);
      record.key = String.UTF8.decodeUnsafe(base + at + 4, len);
      at += 4 + len;
    }
    if (flags & 2) {
      if (size - at < 8) return null;
      record.eventTime = load<i64>(base + at);
      record.hasEventTime = true;
      at += 8;
    }
    if (flags & 4) {
      if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
      const len = load<u32>(base + at);
      record.messageId = Uint8Array.wrap(buffer.slice(<i32>(at + 4), <i32>(at + 4 + len)));
      at += 4 + len;
    }
    if (flags & 8) {
      if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
      const len = load<u32>(base + at);
      record.topic = String.UTF8.decodeUnsafe(base + at + 4, len);
      at += 4 + len;
    }
    if (size - at < 4) return null;
    const properties = load<u32>(base + at);
    at += 4;
    for (let p: u32 = 0; p < properties; p++) {
      if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
      const nameLen = load<u32>(base + at);
      const name = String.UTF8.decodeUnsafe(base + at + 4, nameLen);
      at += 4 + nameLen;
      if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
      const valueLen = load<u32>(base + at);
      record.properties.set(name, String.UTF8.decodeUnsafe(base + at + 4, valueLen));
      at += 4 + valueLen;
    }
    if (size - at < 4 || size - at - 4 < load<u32>(base + at)) return null;
    const len = load<u32>(base + at);
    record.value = Uint8Array.wrap(buffer.slice(<i32>(at + 4), <i32>(at + 4 + len)));
    at += 4 + len;
    records.push(record);
  }
  return at == size ? records : null;
}

/** Runs a window handler for the `process` export of a window function (WasmWindowFunction): the
 * window's records, oldest first; an input that is not a window fails the call, saying so. */
export function runWindow(ptr: usize, len: usize, handler: (records: WindowRecord[], ctx: Context) => Result): i32 {
  const records = readWindow(take(ptr, len));
  if (records === null) {
    return finish(Result.error("the input is not a window: deploy with WasmWindowFunction"));
  }
  return finish(handler(records, CONTEXT));
}

/** Hands a handler's result to the host: its error and status 1, or its output (if any) and status 0. */
function finish(result: Result): i32 {
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
