// Types of a pulsar-wasm JavaScript function: what `process(input, ctx)` receives. The reference is
// docs/javascript.md ("ctx"); the engine's prelude (pulsar-wasm-engine's prelude.js) implements it,
// and testing.mjs's TestContext implements it in memory for Node's test runner.
//
//   /** @param {string} input @param {import("pulsar-wasm-javascript").Context} ctx */
//   export function process(input, ctx) { return input.toUpperCase(); }

/** A value `state.put` and `publish` take: text is sent as UTF-8. */
export type Value = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** A line in the function's log at a level: the arguments joined by spaces. */
export interface Log {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Function state (needs state storage on the cluster). */
export interface State {
  /** A state value, or null if there is none. */
  get(key: string): Uint8Array | null;
  /** A state value decoded from UTF-8, or null if there is none. */
  getString(key: string): string | null;
  /** Stores a value. */
  put(key: string, value: Value): void;
  /** Deletes a value. */
  delete(key: string): void;
}

/** Options of `ctx.publish`. */
export interface PublishOptions {
  key?: string;
  properties?: Record<string, string>;
}

/** The function's context: every call is synchronous. Empty is not absent: absent is null. */
export interface Context {
  log: Log;
  state: State;
  /** A user config value (`--user-config`), or null. */
  config(key: string): string | null;
  /** A secret, or null. */
  secret(name: string): string | null;
  /** The message's key, or null. */
  key(): string | null;
  /** The topic the message came from, or null. */
  topic(): string | null;
  /** One property of the message, or null. */
  property(name: string): string | null;
  /** All its properties ({} for none). */
  properties(): Record<string, string>;
  /** The event time, epoch milliseconds, or null. */
  eventTime(): number | null;
  /** The message id (`MessageId.toByteArray()`), or null. */
  messageId(): Uint8Array | null;
  /** The record's schema (parsed schema JSON), or null. */
  schema(): object | null;
  tenant(): string;
  namespace(): string;
  functionName(): string;
  instanceId(): number;
  numInstances(): number;
  /** How many times Pulsar delivered this message before: 0 the first time. */
  redeliveryCount(): number;
  /** Adds to a counter (function state); amount a safe integer, 1 if omitted. */
  counterIncr(key: string, amount?: number): void;
  /** A counter (0 if never incremented). */
  counterGet(key: string): number;
  /** Sends a value to a topic, with an optional key and properties. */
  publish(topic: string, value: Value, options?: PublishOptions): void;
  /** Records a metric value. */
  recordMetric(name: string, value: number): void;
}

/** A record of a window (WasmWindowFunction), oldest first. */
export interface WindowRecord {
  /** The value as UTF-8 text. */
  text: string;
  /** The value's bytes as numbers, only when it is not UTF-8. */
  bytes?: number[];
  key: string | null;
  eventTime: number | null;
  /** The message id in hex. */
  messageId: string | null;
  topic: string | null;
  properties: Record<string, string>;
}

/** What `process` may return: text, bytes, or null/undefined for no output (records: an object). */
export type Output = string | Uint8Array | ArrayBuffer | object | null | undefined;
