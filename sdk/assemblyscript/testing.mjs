// Test a pulsar-wasm module without Pulsar: an in-memory host for Node.js (20+, no dependencies).
//
// It instantiates a compiled module with the `pulsar` imports of ABI version 1 implemented in
// JavaScript (docs/abi.md) and calls `process` as the Java host does: the
// input copied into memory from the guest's `alloc`, the output taken from `set_output`, the reason
// of a non-zero status from `set_error`. User config, secrets and the function's identity are set
// at load; key, topic, properties, event time, message id and schema per message; state, counters,
// published messages, metric values and log lines are kept for assertions. Any language's module
// works (AssemblyScript, C, Rust, WAT).
//
//   import { test } from "node:test";
//   import assert from "node:assert/strict";
//   import { FunctionTester } from "./testing.mjs";
//
//   test("shout", async () => {
//     const tester = await FunctionTester.load("shout.wasm", { config: { suffix: "!!" } });
//     assert.equal(tester.process("hi", { key: "k1" }).text, "HI!!");
//     assert.equal(tester.process("").output, null);            // no output: filtered out
//     assert.equal(tester.process("bad").error, "why it failed"); // status 1 and set_error's text
//     assert.deepEqual(tester.counters, new Map([["shouted", 1n]]));
//   });
//
// State and publishing can be made to fail, to test how a function recovers through the recoverable
// calls (try_state_get, ..., try_publish and last_error): tester.failState(text), failPublishes(text).
//
// A trap (an abort, say) or a broken host call throws, naming the export or the host call. Like the
// Java tester's InMemoryHost it checks what the guest passes (memory bounds, UTF-8 text, log levels,
// string maps, one output per call) but none of the host's limits (time, memory, write budgets):
// WasmFunctionTester (artifact pulsar-wasm-testing) runs a module exactly as Pulsar does.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** The topic a message comes from unless the record names another (as WasmFunctionTester's). */
export const INPUT_TOPIC = "persistent://public/default/input";

/** The schema JSON of a message without a schema, which get_schema returns unless the record gives one. */
export const BYTES_SCHEMA = '{"type":"BYTES","name":"Bytes","definition":null,"properties":{},"version":null}';

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];
const ABSENT = -1n;
const NO_KEY = 0xffffffff;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ENCODER = new TextEncoder();

/** A host call the guest made wrongly; it fails the process call that made it. */
export class HostCallError extends Error {}

/** A failure of the host itself (failState, failPublishes): it fails a plain call, and a try_ call
 * keeps it for last_error. */
class HostFailure extends HostCallError {}

/** What one process call gave: status 0 with an output or none (null), or a non-zero status and its error. */
export class Outcome {
  constructor(status, output, error) {
    /** The status process returned. */
    this.status = status;
    /** The bytes passed to set_output (a Uint8Array), or null for none. */
    this.output = output;
    /** The text passed to set_error when the status is not 0 ("" if none was), else null. */
    this.error = error;
  }

  /** The output as UTF-8 text (a String function's output; invalid UTF-8 throws), or null for none. */
  get text() {
    return this.output === null ? null : UTF8.decode(this.output);
  }
}

/** A module instantiated against the in-memory host, and the effects of what it ran. */
export class FunctionTester {
  /**
   * Loads and starts a module: checks its imports and ABI version, instantiates it, calls `init`.
   *
   * @param source a path or file: URL of the .wasm, its bytes, or a WebAssembly.Module
   * @param options `config` and `secrets` (objects; config numbers read as Pulsar passes JSON numbers:
   *   3 as "3"), `identity` ({ tenant, namespace, functionName, instanceId, numInstances }; default
   *   public/default/test-function, instance 0 of 1), `name` (the module's name in messages)
   */
  static async load(source, options = {}) {
    let name = options.name;
    let module = source;
    if (!(source instanceof WebAssembly.Module)) {
      let bytes = source;
      if (typeof source === "string" || source instanceof URL) {
        const path = source instanceof URL ? fileURLToPath(source) : source;
        name ??= basename(path);
        bytes = readFileSync(path);
      }
      module = await WebAssembly.compile(bytes);
    }
    return new FunctionTester(module, name ?? "module", options);
  }

  constructor(module, name, options = {}) {
    this.name = name;
    this.config = new Map(Object.entries(options.config ?? {}).map(([key, value]) => [key, configText(value)]));
    this.secrets = new Map(Object.entries(options.secrets ?? {}));
    this.identity = {
      tenant: "public", namespace: "default", functionName: "test-function", instanceId: 0, numInstances: 1,
      ...(options.identity ?? {}),
    };
    /** State values by key (Uint8Arrays), as the guest stored them. */
    this.state = new Map();
    /** Counter values by key (BigInts). */
    this.counters = new Map();
    /** Published messages in order: { topic, key (null for none), properties (an object), value (a
     * Uint8Array), text (the value as UTF-8 text, null if it is not UTF-8) }. */
    this.published = [];
    /** Every value recorded per metric name, in order. */
    this.metrics = new Map();
    /** Log lines, each "LEVEL text". */
    this.logLines = [];
    this.record = null;
    this.invocation = null;
    this.stateFailure = null;
    this.publishFailure = null;
    this.lastError = null;

    const host = this.#imports();
    for (const wanted of WebAssembly.Module.imports(module)) {
      if (wanted.module !== "pulsar" || wanted.kind !== "function" || !(wanted.name in host)) {
        throw new Error(`wasm module '${name}' imports ${wanted.kind} '${wanted.module}.${wanted.name}', `
          + "which the host does not provide");
      }
    }
    this.instance = new WebAssembly.Instance(module, { pulsar: host });
    this.exports = this.instance.exports;
    if (typeof this.exports.process !== "function") {
      throw new Error(`wasm module '${name}' has no export 'process'`);
    }
    if (typeof this.exports.pulsar_abi_version === "function") {
      const version = this.exports.pulsar_abi_version();
      if (version !== 1) {
        throw new Error(`wasm module '${name}' was built for ABI version ${version}; this host implements version 1`);
      }
    }
    if (typeof this.exports.init === "function") this.#call("init", () => this.exports.init());
  }

  /**
   * Processes one message.
   *
   * @param input the value: a string (passed as UTF-8) or bytes (Uint8Array, Buffer, ArrayBuffer) for
   *   the bytes entry point `process(ptr, len) -> status`; a BigInt for the Long entry point
   *   `process(i64) -> i64`, which returns a BigInt
   * @param record the message's metadata: `key`, `topic` (default INPUT_TOPIC; null for none),
   *   `properties` (an object, or a Map to fix the order), `eventTime` (ms), `messageId` (bytes),
   *   `schema` (schema JSON text; default BYTES_SCHEMA), `redeliveryCount` (default 0)
   * @return an Outcome for the bytes entry point
   */
  process(input, record = {}) {
    this.record = {
      key: record.key ?? null,
      topic: "topic" in record ? record.topic : INPUT_TOPIC,
      properties: new Map(record.properties instanceof Map
        ? record.properties : Object.entries(record.properties ?? {})),
      eventTime: record.eventTime ?? null,
      messageId: record.messageId != null ? toBytes(record.messageId) : null,
      schema: "schema" in record ? record.schema : BYTES_SCHEMA,
      redeliveryCount: record.redeliveryCount ?? 0,
    };
    try {
      if (this.exports.process.length === 1) {
        this.invocation = { long: true };
        return this.#call("process", () => this.exports.process(BigInt(input)));
      }
      const bytes = typeof input === "string" ? ENCODER.encode(input) : toBytes(input);
      this.invocation = { output: null, error: null };
      const status = this.#call("process",
        () => this.exports.process(this.#writeAllocated("process input", bytes), bytes.length));
      const { output, error } = this.invocation;
      return status === 0 ? new Outcome(0, output, null) : new Outcome(status, null, error ?? "");
    } finally {
      this.record = null;
      this.invocation = null;
    }
  }

  /**
   * Processes one window of a window function (Java's WasmWindowFunction): the records go to the
   * bytes entry point in the ABI's window input (docs/abi.md), oldest first, and no message is
   * current meanwhile (key, topic, properties, schema... are absent), as on the host.
   *
   * @param records each an object with `value` (a string or bytes; default empty), `key`,
   *   `eventTime` (ms), `messageId` (bytes), `topic` (default INPUT_TOPIC; null for none) and
   *   `properties` (an object, or a Map to fix the order)
   * @return an Outcome
   */
  processWindow(records) {
    return this.process(encodeWindow(records), { topic: null, schema: null });
  }

  /**
   * Makes every state operation that follows (state_get, state_put, state_delete, counter_incr,
   * counter_get and their try_ twins) fail, as Pulsar's context does on a cluster without state
   * storage (Java's InMemoryHost.failState). Give the failure as the host describes it after the
   * operation's name, e.g. "java.lang.IllegalStateException: State public/default/f is not enabled.";
   * a try_ call then stores nothing and last_error gives "pulsar.counter_incr: <failure>", a plain
   * call throws that (on the wasm host it fails the guest's call). null makes state work again, with
   * what it held before.
   *
   * @return this tester
   */
  failState(failure) {
    this.stateFailure = failure ?? null;
    return this;
  }

  /**
   * Makes every publish that follows be refused at once (Java's InMemoryHost.failPublishes): try_publish
   * publishes nothing and last_error gives "pulsar.publish to '<topic>': <failure>"; publish throws
   * that (on the wasm host the message fails). null makes publishing work again.
   *
   * @return this tester
   */
  failPublishes(failure) {
    this.publishFailure = failure ?? null;
    return this;
  }

  /** Calls the guest's `close`, if it has one. */
  close() {
    if (typeof this.exports.close === "function") this.#call("close", () => this.exports.close());
  }

  #call(exportName, run) {
    try {
      return run();
    } catch (e) {
      const what = e instanceof HostCallError ? "failed in host call" : "trapped:";
      throw new Error(`wasm module '${this.name}': export '${exportName}' ${what} ${e.message}`, { cause: e });
    }
  }

  #memory() {
    const memory = this.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new HostCallError("the module exports no memory");
    return new Uint8Array(memory.buffer);
  }

  #read(call, ptr, len) {
    const memory = this.#memory();
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > memory.length) {
      throw new HostCallError(`${call}: guest range [${ptr}, ${ptr + len}) is outside guest memory of ${memory.length} bytes`);
    }
    return memory.slice(ptr, ptr + len);
  }

  #text(call, ptr, len) {
    try {
      return UTF8.decode(this.#read(call, ptr, len));
    } catch (e) {
      if (e instanceof HostCallError) throw e;
      throw new HostCallError(`${call}: the text is not valid UTF-8`);
    }
  }

  #writeAllocated(call, bytes) {
    if (typeof this.exports.alloc !== "function") throw new HostCallError(`${call}: the module exports no alloc`);
    const ptr = this.exports.alloc(bytes.length) >>> 0;
    const memory = this.#memory();
    if (ptr + bytes.length > memory.length) {
      throw new HostCallError(`${call}: alloc(${bytes.length}) returned ${ptr}, outside guest memory of ${memory.length} bytes`);
    }
    memory.set(bytes, ptr);
    return ptr;
  }

  #give(call, bytes) {
    if (bytes === null || bytes === undefined) return ABSENT;
    const ptr = this.#writeAllocated(call, bytes);
    return (BigInt(ptr) << 32n) | BigInt(bytes.length);
  }

  #giveText(call, text) {
    return this.#give(call, text === null || text === undefined ? null : ENCODER.encode(text));
  }

  #bytesCall(call) {
    if (this.invocation === null || this.invocation.long) {
      throw new HostCallError(`${call}: only valid inside process(ptr i32, len i32) -> (status i32)`);
    }
  }

  /** A try_ call: its host failure (a HostFailure) goes to last_error and the call gives fallback. */
  #recoverable(call, fallback) {
    this.lastError = null;
    try {
      return call();
    } catch (e) {
      if (!(e instanceof HostFailure)) throw e;
      this.lastError = e.message;
      return fallback;
    }
  }

  /** Fails a state operation, if failState says so, after reading what the guest passed. */
  #stateWorks(call) {
    if (this.stateFailure !== null) throw new HostFailure(`${call}: ${this.stateFailure}`);
  }

  #imports() {
    const record = () => this.record;
    const stateGet = (ptr, len) => {
      const key = this.#text("pulsar.state_get", ptr, len);
      this.#stateWorks("pulsar.state_get");
      const value = this.state.get(key);
      return value === undefined ? null : value.slice();
    };
    const statePut = (keyPtr, keyLen, valuePtr, valueLen) => {
      const key = this.#text("pulsar.state_put", keyPtr, keyLen);
      const value = this.#read("pulsar.state_put", valuePtr, valueLen);
      this.#stateWorks("pulsar.state_put");
      this.state.set(key, value);
    };
    const stateDelete = (ptr, len) => {
      const key = this.#text("pulsar.state_delete", ptr, len);
      this.#stateWorks("pulsar.state_delete");
      this.state.delete(key);
    };
    const counterIncr = (ptr, len, amount) => {
      const key = this.#text("pulsar.counter_incr", ptr, len);
      this.#stateWorks("pulsar.counter_incr");
      this.counters.set(key, BigInt.asIntN(64, (this.counters.get(key) ?? 0n) + amount));
    };
    const counterGet = (ptr, len) => {
      const key = this.#text("pulsar.counter_get", ptr, len);
      this.#stateWorks("pulsar.counter_get");
      return this.counters.get(key) ?? 0n;
    };
    const publish = (topicPtr, topicLen, valuePtr, valueLen, keyPtr, keyLen, propsPtr, propsLen) => {
      const call = "pulsar.publish";
      const topic = this.#text(call, topicPtr, topicLen);
      const value = this.#read(call, valuePtr, valueLen);
      const key = keyLen >>> 0 === NO_KEY ? null : this.#text(call, keyPtr, keyLen);
      const properties = decodeMap(call, this.#read(call, propsPtr, propsLen));
      if (this.publishFailure !== null) throw new HostFailure(`${call} to '${topic}': ${this.publishFailure}`);
      this.published.push({ topic, key, properties, value, text: utf8OrNull(value) });
    };
    const host = {
      log: (level, ptr, len) => {
        if (level < 0 || level > 4) {
          throw new HostCallError(`pulsar.log: level ${level} is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)`);
        }
        this.logLines.push(`${LEVELS[level]} ${this.#text("pulsar.log", ptr, len)}`);
      },
      get_config: (ptr, len) => this.#giveText("pulsar.get_config", this.config.get(this.#text("pulsar.get_config", ptr, len))),
      get_secret: (ptr, len) => this.#giveText("pulsar.get_secret", this.secrets.get(this.#text("pulsar.get_secret", ptr, len))),
      set_output: (ptr, len) => {
        this.#bytesCall("pulsar.set_output");
        if (this.invocation.output !== null) {
          throw new HostCallError("pulsar.set_output: called twice in one invocation; a function has one output");
        }
        this.invocation.output = this.#read("pulsar.set_output", ptr, len);
      },
      set_error: (ptr, len) => {
        this.#bytesCall("pulsar.set_error");
        this.invocation.error = this.#text("pulsar.set_error", ptr, len);
      },
      get_key: () => this.#giveText("pulsar.get_key", record()?.key),
      get_topic: () => this.#giveText("pulsar.get_topic", record()?.topic),
      get_property: (ptr, len) => {
        const name = this.#text("pulsar.get_property", ptr, len);
        return this.#giveText("pulsar.get_property", record()?.properties.get(name));
      },
      get_properties: () => this.#give("pulsar.get_properties", encodeMap(record()?.properties ?? new Map())),
      get_event_time: () => (record()?.eventTime != null ? BigInt(record().eventTime) : ABSENT),
      get_message_id: () => this.#give("pulsar.get_message_id", record()?.messageId),
      get_schema: () => this.#giveText("pulsar.get_schema", record()?.schema),
      get_tenant: () => this.#giveText("pulsar.get_tenant", this.identity.tenant),
      get_namespace: () => this.#giveText("pulsar.get_namespace", this.identity.namespace),
      get_function_name: () => this.#giveText("pulsar.get_function_name", this.identity.functionName),
      get_instance_id: () => this.identity.instanceId,
      get_num_instances: () => this.identity.numInstances,
      get_redelivery_count: () => record()?.redeliveryCount ?? 0,
      state_get: (ptr, len) => this.#give("pulsar.state_get", stateGet(ptr, len)),
      state_put: (keyPtr, keyLen, valuePtr, valueLen) => statePut(keyPtr, keyLen, valuePtr, valueLen),
      state_delete: (ptr, len) => stateDelete(ptr, len),
      counter_incr: (ptr, len, amount) => counterIncr(ptr, len, amount),
      counter_get: (ptr, len) => counterGet(ptr, len),
      publish: (...args) => publish(...args),
      // The recoverable twins: a failure of the (in-memory) host is kept for last_error instead of
      // failing the guest's call; a mistake of the guest's still fails it.
      try_state_get: (ptr, len) => this.#give("pulsar.state_get", this.#recoverable(() => stateGet(ptr, len), null)),
      try_state_put: (keyPtr, keyLen, valuePtr, valueLen) =>
        this.#recoverable(() => statePut(keyPtr, keyLen, valuePtr, valueLen), undefined),
      try_state_delete: (ptr, len) => this.#recoverable(() => stateDelete(ptr, len), undefined),
      try_counter_incr: (ptr, len, amount) => this.#recoverable(() => counterIncr(ptr, len, amount), undefined),
      try_counter_get: (ptr, len) => this.#recoverable(() => counterGet(ptr, len), 0n),
      try_publish: (...args) => this.#recoverable(() => publish(...args), undefined),
      last_error: () => this.#giveText("pulsar.last_error", this.lastError),
      record_metric: (ptr, len, value) => {
        const name = this.#text("pulsar.record_metric", ptr, len);
        if (!this.metrics.has(name)) this.metrics.set(name, []);
        this.metrics.get(name).push(value);
      },
    };
    return host;
  }
}

/** User config as Pulsar hands it to the guest: strings as they are, whole numbers without a fraction. */
function configText(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isInteger(value)) return value.toFixed(0);
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function utf8OrNull(bytes) {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

/** The ABI's window input: "PWIN", a u32 count, then per record flags, key, event time, message id, topic, properties and value. */
export function encodeWindow(records) {
  const parts = [];
  const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); parts.push(b); };
  const chunk = (bytes) => { u32(bytes.length); parts.push(bytes); };
  parts.push(ENCODER.encode("PWIN"));
  u32(records.length);
  for (const record of records) {
    const topic = "topic" in record ? record.topic : INPUT_TOPIC;
    const flags = (record.key != null ? 1 : 0) | (record.eventTime != null ? 2 : 0)
      | (record.messageId != null ? 4 : 0) | (topic != null ? 8 : 0);
    u32(flags);
    if (record.key != null) chunk(ENCODER.encode(record.key));
    if (record.eventTime != null) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt(record.eventTime), true);
      parts.push(b);
    }
    if (record.messageId != null) chunk(toBytes(record.messageId));
    if (topic != null) chunk(ENCODER.encode(topic));
    const properties = record.properties instanceof Map ? [...record.properties] : Object.entries(record.properties ?? {});
    u32(properties.length);
    for (const [name, value] of properties) {
      chunk(ENCODER.encode(name));
      chunk(ENCODER.encode(value));
    }
    const value = record.value ?? new Uint8Array(0);
    chunk(typeof value === "string" ? ENCODER.encode(value) : toBytes(value));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function toBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("expected a string, a Uint8Array or an ArrayBuffer");
}

/** A string map: u32 count, then per entry u32 length + UTF-8 key, u32 length + UTF-8 value, little-endian. */
function encodeMap(map) {
  const parts = [...map].flatMap(([key, value]) => [ENCODER.encode(key), ENCODER.encode(String(value))]);
  const out = new Uint8Array(4 + parts.reduce((size, part) => size + 4 + part.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, parts.length / 2, true);
  let at = 4;
  for (const part of parts) {
    view.setUint32(at, part.length, true);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  return out;
}

function decodeMap(call, bytes) {
  const properties = {};
  if (bytes.length === 0) return properties;
  const malformed = () => new HostCallError(`${call}: properties are not a valid string map encoding (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    if (bytes.length - at < 4) throw malformed();
    at += 4;
    return view.getUint32(at - 4, true);
  };
  const text = () => {
    const len = u32();
    if (bytes.length - at < len) throw malformed();
    at += len;
    try {
      return UTF8.decode(bytes.subarray(at - len, at));
    } catch {
      throw new HostCallError(`${call}: the bytes of a property are not valid UTF-8`);
    }
  };
  const count = u32();
  for (let i = 0; i < count; i++) {
    const key = text();
    Object.defineProperty(properties, key, { value: text(), enumerable: true, writable: true, configurable: true });
  }
  if (at !== bytes.length) throw new HostCallError(`${call}: properties have ${bytes.length - at} bytes after the last entry`);
  return properties;
}
