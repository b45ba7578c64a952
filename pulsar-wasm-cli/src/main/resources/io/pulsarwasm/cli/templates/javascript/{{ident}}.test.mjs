// Native tests in Node's test runner: the function with the SDK's in-memory ctx (no wasm, no
// QuickJS): node --test, or pulsar-wasm test (which then runs tests.json in the real engine).
import { test } from "node:test";
import assert from "node:assert/strict";
import { TestContext } from "{{sdk}}/javascript/testing.mjs";
import { process } from "./{{ident}}.js";

test("shouts with the configured suffix", () => {
  const ctx = new TestContext({ config: { suffix: "?!" }, key: "k1" });
  assert.equal(process("hi", ctx), "HI?!");
  assert.deepEqual(ctx.logLines, ["INFO shouting the message of key k1"]);
});

test("an empty message has no output and a long one fails", () => {
  const ctx = new TestContext();
  assert.equal(process("", ctx), null);
  assert.throws(() => process("x".repeat(17), ctx), { message: "a message of 17 bytes is longer than 16" });
});
