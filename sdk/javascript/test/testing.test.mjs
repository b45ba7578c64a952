// The SDK's in-memory ctx (testing.mjs) against its declarations (pulsar-wasm.d.ts): the same
// members, and the answers docs/javascript.md gives for absent, empty and written values.
// pulsar-wasm-cli's JavaScriptSdkTest holds the engine's ctx to the same declarations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TestContext } from "../testing.mjs";

const types = readFileSync(new URL("../pulsar-wasm.d.ts", import.meta.url), "utf8");

function declared(name) {
  const body = types.match(new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`))[1];
  return body.split("\n").map((line) => line.match(/^  (\w+)\??[(:]/)).filter(Boolean).map((m) => m[1]).sort();
}

function members(object) {
  const names = new Set(Object.keys(object));
  for (let p = Object.getPrototypeOf(object); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") names.add(name);
  }
  return [...names].sort();
}

test("TestContext has the declared members of ctx, ctx.log and ctx.state", () => {
  const ctx = new TestContext();
  const own = new Set(["configValues", "secrets", "message", "logLines", "stateValues", "counters", "published", "metrics"]);
  assert.deepEqual(members(ctx).filter((name) => !own.has(name)), declared("Context"));
  assert.deepEqual(members(ctx.log), declared("Log"));
  assert.deepEqual(members(ctx.state), declared("State"));
  assert.equal(declared("Context").length, 21);
});

test("absent is null, empty is empty, and what is written can be read", () => {
  const ctx = new TestContext({ config: { n: 3, empty: "" }, key: "", properties: { p: "" } });
  assert.equal(ctx.config("n"), "3");
  assert.equal(ctx.config("empty"), "");
  assert.equal(ctx.config("missing"), null);
  assert.equal(ctx.secret("missing"), null);
  assert.equal(ctx.key(), "");
  assert.equal(ctx.property("p"), "");
  assert.equal(ctx.property("q"), null);
  assert.deepEqual(new TestContext().properties(), {});
  assert.equal(new TestContext().key(), null);
  assert.equal(new TestContext().eventTime(), null);
  assert.equal(ctx.state.get("s"), null);
  ctx.state.put("s", "é");
  assert.deepEqual(ctx.state.get("s"), new Uint8Array([0xc3, 0xa9]));
  assert.equal(ctx.state.getString("s"), "é");
  ctx.state.delete("s");
  assert.equal(ctx.state.get("s"), null);
  assert.equal(ctx.counterGet("c"), 0);
  ctx.counterIncr("c");
  ctx.counterIncr("c", 41);
  assert.equal(ctx.counterGet("c"), 42);
  ctx.publish("t", "v", { key: "k", properties: { a: "b" } });
  assert.deepEqual(ctx.published.map(({ topic, text, key, properties }) => ({ topic, text, key, properties })),
    [{ topic: "t", text: "v", key: "k", properties: { a: "b" } }]);
  ctx.log.info("n", 1, { a: 1 }, new RangeError("r"));
  assert.deepEqual(ctx.logLines, ['INFO n 1 {"a":1} RangeError: r']);
});

test("arguments of the wrong type throw as the engine's do", () => {
  const ctx = new TestContext();
  assert.throws(() => ctx.state.get(1), { name: "TypeError", message: "a state key must be a string, not a number" });
  assert.throws(() => ctx.counterIncr("c", 1.5), TypeError);
  assert.throws(() => ctx.publish("t", 5), TypeError);
});
