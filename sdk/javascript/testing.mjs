// An in-memory `ctx` for testing a pulsar-wasm JavaScript function natively in Node's test runner,
// without wasm and without QuickJS: call the function's process(input, ctx) with a TestContext and
// read what it did. It answers as docs/javascript.md's table says (absent is null, empty is '',
// counters start at 0) and checks argument types as the engine does; it does not hold the function
// to the sandbox's limits: the in-process tester (pulsar-wasm test, WasmFunctionTester) runs the
// function exactly as Pulsar does.
//
//   import { TestContext } from "pulsar-wasm-javascript/testing.mjs";
//   const ctx = new TestContext({ config: { suffix: "!" }, key: "k1" });
//   assert.equal(process("hi", ctx), "HI!");
//   assert.deepEqual(ctx.logLines, ["INFO ..."]);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function requireString(what, value) {
  if (typeof value !== "string") {
    const type = typeof value;
    const article = value === null || type === "undefined" ? "" : /^[aeiou]/.test(type) ? "an " : "a ";
    throw new TypeError(`a ${what} must be a string, not ${article}${value === null ? "null" : type}`);
  }
  return value;
}

function bytesOf(what, value) {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  throw new TypeError(`a ${what} must be a string, a Uint8Array, an ArrayBuffer or a typed array`);
}

function describe(arg) {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  return JSON.stringify(arg);
}

/** A `ctx` in memory: set the message and the function's config; read its log, state and sends. */
export class TestContext {
  /**
   * @param {object} [options]
   * @param {Record<string, string|number|boolean>} [options.config] user config (numbers read as Pulsar passes them)
   * @param {Record<string, string>} [options.secrets]
   * @param {string|null} [options.key] the message's key
   * @param {string|null} [options.topic] the message's topic
   * @param {Record<string, string>} [options.properties]
   * @param {number|null} [options.eventTime]
   * @param {Uint8Array|null} [options.messageId]
   * @param {number} [options.redeliveryCount]
   * @param {object|null} [options.schema]
   */
  constructor(options = {}) {
    this.configValues = new Map(Object.entries(options.config ?? {}).map(([k, v]) => [k, String(v)]));
    this.secrets = new Map(Object.entries(options.secrets ?? {}));
    this.message = {
      key: options.key ?? null,
      topic: options.topic ?? "persistent://public/default/input",
      properties: { ...(options.properties ?? {}) },
      eventTime: options.eventTime ?? null,
      messageId: options.messageId ?? null,
      redeliveryCount: options.redeliveryCount ?? 0,
      schema: options.schema ?? null,
    };
    /** @type {string[]} "LEVEL text", as the function's log has them */
    this.logLines = [];
    /** @type {Map<string, Uint8Array>} */
    this.stateValues = new Map();
    /** @type {Map<string, number>} */
    this.counters = new Map();
    /** @type {{topic: string, value: Uint8Array, text: string, key: string|null, properties: Record<string,string>}[]} */
    this.published = [];
    /** @type {Map<string, number[]>} */
    this.metrics = new Map();
    const line = (level) => (...args) => { this.logLines.push(`${level} ${args.map(describe).join(" ")}`); };
    this.log = { trace: line("TRACE"), debug: line("DEBUG"), info: line("INFO"), warn: line("WARN"), error: line("ERROR") };
    const self = this;
    this.state = {
      get(key) { const v = self.stateValues.get(requireString("state key", key)); return v === undefined ? null : new Uint8Array(v); },
      getString(key) { const v = this.get(key); return v === null ? null : decoder.decode(v); },
      put(key, value) { self.stateValues.set(requireString("state key", key), bytesOf("state value", value)); },
      delete(key) { self.stateValues.delete(requireString("state key", key)); },
    };
  }

  config(key) { const v = this.configValues.get(requireString("config key", key)); return v === undefined ? null : v; }
  secret(name) { const v = this.secrets.get(requireString("secret name", name)); return v === undefined ? null : v; }
  key() { return this.message.key; }
  topic() { return this.message.topic; }
  property(name) { const v = this.message.properties[requireString("property name", name)]; return v === undefined ? null : v; }
  properties() { return { ...this.message.properties }; }
  eventTime() { return this.message.eventTime; }
  messageId() { return this.message.messageId === null ? null : new Uint8Array(this.message.messageId); }
  schema() { return this.message.schema; }
  tenant() { return "public"; }
  namespace() { return "default"; }
  functionName() { return "test-function"; }
  instanceId() { return 0; }
  numInstances() { return 1; }
  redeliveryCount() { return this.message.redeliveryCount; }

  counterIncr(key, amount = 1) {
    requireString("counter key", key);
    if (!Number.isSafeInteger(amount)) throw new TypeError(`a counter amount must be a safe integer, not ${amount}`);
    this.counters.set(key, (this.counters.get(key) ?? 0) + amount);
  }

  counterGet(key) { return this.counters.get(requireString("counter key", key)) ?? 0; }

  publish(topic, value, options = {}) {
    const bytes = bytesOf("published value", value);
    this.published.push({
      topic: requireString("topic", topic),
      value: bytes,
      text: decoder.decode(bytes),
      key: options.key ?? null,
      properties: { ...(options.properties ?? {}) },
    });
  }

  recordMetric(name, value) {
    requireString("metric name", name);
    if (typeof value !== "number") throw new TypeError(`a metric value must be a number, not ${typeof value}`);
    if (!this.metrics.has(name)) this.metrics.set(name, []);
    this.metrics.get(name).push(value);
  }
}
