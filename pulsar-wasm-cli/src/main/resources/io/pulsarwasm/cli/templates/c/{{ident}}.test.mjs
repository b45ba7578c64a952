// Tests of the built module (pulsar-wasm build first) in Node's test runner, on the SDK's in-memory
// host for any module: node --test, or pulsar-wasm test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FunctionTester } from "{{sdk}}/assemblyscript/testing.mjs";

test("shouts with the configured suffix", async () => {
  const tester = await FunctionTester.load("{{ident}}.wasm", { config: { suffix: "?!" } });
  assert.equal(tester.process("hi", { key: "k1" }).text, "HI?!");
  assert.deepEqual(tester.logLines, ["INFO shouting"]);
});

test("an empty message has no output and a long one fails", async () => {
  const tester = await FunctionTester.load("{{ident}}.wasm");
  assert.equal(tester.process("").output, null);
  assert.equal(tester.process("x".repeat(17)).error, "a message longer than 16 bytes");
});
