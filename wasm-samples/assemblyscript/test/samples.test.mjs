// The AssemblyScript samples (and their C twins, context.c and counter.c, for comparison) tested in
// Node with the SDK's in-memory host, sdk/assemblyscript/testing.mjs, against the modules committed in
// wasm-samples/src/main/resources (scripts/build-wasm.sh builds them). Run: node --test <this file>.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BYTES_SCHEMA, FunctionTester, INPUT_TOPIC, Outcome } from "../../../sdk/assemblyscript/testing.mjs";

const resources = new URL("../../src/main/resources/", import.meta.url);
const load = (name, options) => FunctionTester.load(new URL(name, resources), options);
const bytes = (text) => new TextEncoder().encode(text);
const readText = (path) => { try { return readFileSync(path, "utf8"); } catch { return null; } };

test("router publishes to the topic named in the message", async () => {
  const tester = await load("router.wasm", { config: { "topic-prefix": "persistent://public/default/route-" } });
  assert.equal(tester.process("orders:42 apples", { key: "k1" }).output, null);
  assert.equal(tester.process("audit:a:b").output, null);
  assert.deepEqual(tester.published.map(({ topic, key, properties, text }) => ({ topic, key, properties, text })), [
    { topic: "persistent://public/default/route-orders", key: "k1", properties: { "routed-from": INPUT_TOPIC }, text: "42 apples" },
    { topic: "persistent://public/default/route-audit", key: null, properties: { "routed-from": INPUT_TOPIC }, text: "a:b" },
  ]);
  assert.deepEqual(tester.counters, new Map([["routed:orders", 1n], ["routed:audit", 1n]]));

  const failed = tester.process("nothing");
  assert.equal(failed.status, 1);
  assert.equal(failed.error, "no route: expected <route>:<payload>, got 'nothing'");
});

test("router fails clearly without its config", async () => {
  const tester = await load("router.wasm");
  assert.equal(tester.process("orders:1").error, "user config 'topic-prefix' is not set");
});

test("user-record transforms a JSON object and refuses anything else", async () => {
  const tester = await load("user-record.wasm");
  assert.equal(tester.process('{"name":"ada","age":36,"email":null}').text, '{"name":"ADA","age":37,"email":null}');
  assert.equal(tester.process('{"name":"zo\\u00eb \\ud83d\\ude00","age":9007199254740993}').text,
    '{"name":"ZO\u00eb \ud83d\ude00","age":9007199254740994}');
  assert.equal(tester.process('{"name":').error, "input is not a JSON object");
  assert.equal(tester.process('"ada"').error, "input is not a JSON object");
});

// The AssemblyScript tour (a bytes function, runBytes) answers exactly as the C one does.
for (const [module, from] of [["tour.wasm", "tour.ts"], ["context.wasm", "context.c"]]) {
  test(`${module} reads the whole context`, async () => {
    const tester = await load(module, {
      config: { "echo-topic": "persistent://public/default/echoes" },
      identity: { tenant: "acme", namespace: "pipelines", functionName: "tour", instanceId: 2, numInstances: 3 },
    });
    const first = tester.process("hello", {
      key: "k1", properties: { lang: "c", team: "core" }, eventTime: 1_700_000_000_123,
      messageId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    });
    assert.equal(first.text, "acme/pipelines/tour instance 2 of 3 key=k1 topic=persistent://public/default/input "
      + "time=1700000000123 id=9B props: lang=c team=core lang=c previous=- messages=1");
    assert.equal(tester.process("again", { topic: null }).text, "acme/pipelines/tour instance 2 of 3 key=- topic=- "
      + "time=-1 id=0B props: lang=- previous=hello messages=2");

    // Bytes that are not UTF-8 pass through untouched: into state, the publish and the answer.
    const binary = new Uint8Array([0xff, 0x00, 0xc3, 0x28, 0x80]);
    const answer = tester.process(binary).output;
    assert.deepEqual(answer.subarray(answer.length - 24), new Uint8Array([...bytes("previous=again messages=3")].slice(1)));
    assert.deepEqual(tester.process("last").output.subarray(-(binary.length + 11)),
      new Uint8Array([...binary, ...bytes(" messages=4")]));
    assert.deepEqual(tester.state.get("previous"), bytes("last"));

    assert.deepEqual(tester.published.map((m) => [m.topic, m.key, m.properties]), [
      ["persistent://public/default/echoes", "k1", { from }],
      ["persistent://public/default/echoes", null, { from }],
      ["persistent://public/default/echoes", null, { from }],
      ["persistent://public/default/echoes", null, { from }],
    ]);
    assert.deepEqual(tester.published[2].value, binary);
    assert.deepEqual(tester.counters, new Map([["messages", 4n]]));
    assert.deepEqual(tester.metrics, new Map([["input-bytes", [5, 5, 5, 4]]]));

    assert.equal(tester.process(new Uint8Array(257)).error, "input longer than 256 bytes");
  });

  test(`${module} tells an empty key, property, message id and state value from absent ones`, async () => {
    const tester = await load(module, { config: { "echo-topic": "persistent://public/default/echoes" } });
    // an empty input with an empty key, a property named "" with the value "" and an empty message id
    assert.equal(tester.process("", { key: "", properties: { "": "" }, messageId: new Uint8Array(0) }).text,
      "public/default/test-function instance 0 of 1 key= topic=persistent://public/default/input time=-1 id=0B "
      + "props: = lang=- previous=- messages=1");
    assert.deepEqual(tester.state.get("previous"), new Uint8Array(0));
    // no key, no properties: the previous input is there, and empty
    assert.equal(tester.process("x", { eventTime: 0 }).text,
      "public/default/test-function instance 0 of 1 key=- topic=persistent://public/default/input time=0 id=0B "
      + "props: lang=- previous= messages=2");
    assert.deepEqual(tester.published.map(({ key, properties, value }) => [key, properties, value]), [
      ["", { from }, new Uint8Array(0)],
      [null, { from }, bytes("x")],
    ]);
  });
}

// The recoverable calls: tally.ts (ctx.tryCounterIncr, ...) and its C twin counter.c (pw_try_*) keep
// working when state fails and when an audit copy is refused, and answer alike.
const NOT_ENABLED = "java.lang.IllegalStateException: State public/default/test-function is not enabled.";
for (const module of ["tally.wasm", "counter.wasm"]) {
  test(`${module} counts in memory while state fails and catches up when it works again`, async () => {
    const tester = (await load(module)).failState(NOT_ENABLED);
    assert.equal(tester.process("a").text, "count=1 (in memory) previous=-");
    assert.equal(tester.process("b").text, "count=2 (in memory) previous=a");
    assert.deepEqual(tester.counters, new Map());
    assert.deepEqual(tester.state, new Map());
    assert.deepEqual(tester.logLines, [`WARN state failed, working from memory: pulsar.counter_incr: ${NOT_ENABLED}`]);

    // The store missed "b" (its put failed): answered from memory, and this message's put catches up.
    tester.failState(null);
    assert.equal(tester.process("c").text, "count=3 (stored) previous=b");
    assert.equal(tester.process("d").text, "count=4 (stored) previous=c");
    assert.equal(tester.process("").text, "count=5 (stored) previous=d");
    assert.equal(tester.process("e").text, "count=6 (stored) previous=-");
    assert.deepEqual(tester.counters, new Map([["messages", 6n]]));
    assert.deepEqual(tester.state, new Map([["last", bytes("e")]]));
    assert.equal(tester.logLines[1], "INFO state works again; stored 2 messages counted in memory");

    // Again: the count goes on from the store's, the previous message from memory.
    tester.failState("java.io.IOException: the store went away");
    assert.equal(tester.process("f").text, "count=7 (in memory) previous=e");
    assert.deepEqual(tester.logLines.slice(2),
      ["WARN state failed, working from memory: pulsar.counter_incr: java.io.IOException: the store went away"]);
    assert.equal(tester.logLines.length, 3);

    assert.equal(tester.process(new Uint8Array(257)).error, "input longer than 256 bytes");
  });

  test(`${module} skips an audit copy Pulsar refuses`, async () => {
    const audit = "persistent://public/default/audit";
    const tester = (await load(module, { config: { "audit-topic": audit } })).failPublishes("java.lang.IllegalStateException: broker says no");
    assert.equal(tester.process("a", { key: "k1" }).text, "count=1 (stored) previous=- audit=refused");
    assert.deepEqual(tester.logLines, [`WARN audit copy refused: pulsar.publish to '${audit}': java.lang.IllegalStateException: broker says no`]);
    assert.deepEqual(tester.published, []);
    tester.failPublishes(null);
    assert.equal(tester.process("b", { key: "k2" }).text, "count=2 (stored) previous=a");
    assert.deepEqual(tester.published.map(({ topic, key, text }) => ({ topic, key, text })), [{ topic: audit, key: "k2", text: "b" }]);
  });
}

test("counter.wasm takes each failed try call's text from the host once", async () => {
  const tester = (await load("counter.wasm")).failState(NOT_ENABLED);
  const exports = tester.exports;
  const allocated = [];
  tester.exports = { ...exports, alloc: (len) => { allocated.push(len); return exports.alloc(len); } };
  assert.equal(tester.process("a").text, "count=1 (in memory) previous=-");
  // The input, then last_error's text once for each failed call (pw_try_status keeps it for
  // pw_last_error): counter_incr (also logged), state_get, state_put.
  assert.deepEqual(allocated, [1, ...["counter_incr", "state_get", "state_put"].map((call) => `pulsar.${call}: ${NOT_ENABLED}`.length)]);
});

test("the tester fails a plain state or publish call as the host does", async () => {
  const context = (await load("context.wasm", { config: { "echo-topic": "persistent://public/default/echoes" } }))
    .failState(NOT_ENABLED);
  assert.throws(() => context.process("x"), {
    message: `wasm module 'context.wasm': export 'process' failed in host call pulsar.state_get: ${NOT_ENABLED}`,
  });
  context.failState(null).failPublishes("refused");
  assert.throws(() => context.process("x"), {
    message: "wasm module 'context.wasm': export 'process' failed in host call "
      + "pulsar.publish to 'persistent://public/default/echoes': refused",
  });
});

// Two hand-assembled modules: one whose process traps, one that imports what no host provides.
const section = (id, ...content) => [id, content.length, ...content];
const name = (text) => [text.length, ...bytes(text)];
const module = (...sections) => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);

test("the tester names a trap and an import the host does not provide", async () => {
  const trapping = await FunctionTester.load(module(
    section(1, 2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7f), // (i32) -> i32, (i32 i32) -> i32
    section(3, 2, 0, 1),
    section(5, 1, 0, 1), // one page of memory
    section(7, 3, ...name("memory"), 2, 0, ...name("alloc"), 0, 0, ...name("process"), 0, 1),
    section(10, 2, 4, 0, 0x41, 0, 0x0b, 3, 0, 0x00, 0x0b)), { name: "trap.wasm" }); // alloc: 0; process: unreachable
  assert.throws(() => trapping.process("x"), { message: "wasm module 'trap.wasm': export 'process' trapped: unreachable" });

  await assert.rejects(FunctionTester.load(module(section(1, 1, 0x60, 0, 0), section(2, 1, ...name("env"), ...name("abort"), 0, 0))),
    { message: "wasm module 'module' imports function 'env.abort', which the host does not provide" });
});

// sdk/assemblyscript/json.ts, which no sample reads members with: a module compiled here (with the
// compiler the samples use) edits member "a" through JsonObject's get and set.
test("JsonObject get and set act on the last of repeated names, as the host keeps it", async () => {
  const { default: asc } = await import("assemblyscript/asc");
  const source = `
    import { Context, Result, run } from "../../../sdk/assemblyscript/pulsar";
    import { JsonNumber, JsonObject, parseJson } from "../../../sdk/assemblyscript/json";
    export { alloc, pulsar_abi_version } from "../../../sdk/assemblyscript/pulsar";
    function edit(input: string, ctx: Context): Result {
      const object = <JsonObject>parseJson(input);
      const a = object.get("a");
      object.set("a", a instanceof JsonNumber ? JsonNumber.of((<JsonNumber>a).toI64() + 1) : JsonNumber.of(0));
      return Result.text(object.toJson());
    }
    export function process(ptr: usize, len: usize): i32 { return run(ptr, len, edit); }`;
  const base = fileURLToPath(new URL("..", import.meta.url));
  let binary = null;
  const { error, stderr } = await asc.main(
    ["test/json-edit.ts", "-O3", "--use", "abort=../../sdk/assemblyscript/pulsar/abortHandler", "-o", "json-edit.wasm"], {
      readFile: (file, dir) => file === "test/json-edit.ts" ? source : readText(resolve(base, dir, file)),
      writeFile: (file, contents) => { if (file.endsWith(".wasm")) binary = contents; },
      listFiles: () => [],
    });
  assert.equal(error, null, stderr.toString());
  const tester = await FunctionTester.load(binary, { name: "json-edit.wasm" });
  assert.equal(tester.process('{"a":1,"b":2,"a":5}').text, '{"a":1,"b":2,"a":6}');
  assert.equal(tester.process('{"b":2,"a":1}').text, '{"b":2,"a":2}');
  assert.equal(tester.process('{"b":2}').text, '{"b":2,"a":0}');
});

// sdk/assemblyscript/pulsar.ts with empty and absent values in every Context call: test/context-edges.ts,
// compiled here with the compiler the samples use.
test("the AssemblyScript SDK tells empty values from absent ones in every call", async () => {
  const { default: asc } = await import("assemblyscript/asc");
  const base = fileURLToPath(new URL("..", import.meta.url));
  let binary = null;
  const { error, stderr } = await asc.main(
    ["test/context-edges.ts", "-O3", "--use", "abort=../../sdk/assemblyscript/pulsar/abortHandler", "-o", "context-edges.wasm"], {
      readFile: (file, dir) => readText(resolve(base, dir, file)),
      writeFile: (file, contents) => { if (file.endsWith(".wasm")) binary = contents; },
      listFiles: () => [],
    });
  assert.equal(error, null, stderr.toString());
  const tester = await FunctionTester.load(binary, {
    name: "context-edges.wasm",
    config: { empty: "", "": "unnamed" },
    secrets: { empty: "" },
    identity: { tenant: "", namespace: "", functionName: "" },
  });
  tester.state.set("empty", new Uint8Array(0));
  const lines = (...fields) => fields.join("\n");
  const configAndSecrets = ['config "" null "unnamed"', 'secret "" null'];
  const identityAndState = ['identity "" "" ""', 'state [0] null "" null', "counter 0"];

  assert.equal(tester.process("read", {
    key: "", topic: "", properties: { "": "" }, eventTime: 0, messageId: new Uint8Array(0), schema: "",
  }).text, lines(...configAndSecrets, 'key ""', 'topic ""', 'property "" null', 'properties 1 {"":""}', "eventTime 0",
    "redeliveryCount 0", "messageId [0]", 'schema ""', ...identityAndState));
  assert.equal(tester.process("read", { topic: null }).text, lines(...configAndSecrets, "key null", "topic null",
    "property null null", "properties 0 {}", "eventTime -1", "redeliveryCount 0", "messageId null", `schema "${BYTES_SCHEMA}"`, ...identityAndState));
  assert.equal(tester.process("read", { redeliveryCount: 4 }).text.split("\n")[7], "redeliveryCount 4");

  assert.equal(tester.process("try").text, lines("tryStateGet [0] null", "tryStateGet null null", 'tryStateGetText "" null',
    "tryCounterGet 0 null"));
  tester.failState("java.lang.IllegalStateException: no state");
  const failed = (call) => `"pulsar.${call}: java.lang.IllegalStateException: no state"`;
  assert.equal(tester.process("try").text, lines(`tryStateGet null ${failed("state_get")}`,
    `tryStateGet null ${failed("state_get")}`, `tryStateGetText null ${failed("state_get")}`,
    `tryCounterGet 0 ${failed("counter_get")}`));
  tester.failState(null);

  assert.equal(tester.process("write").text, "ok");
  const empty = new Uint8Array(0);
  assert.deepEqual(tester.state, new Map([["empty", empty], ["bytes", empty], ["text", empty], ["", empty],
    ["try-bytes", empty], ["try-text", empty]]));
  assert.deepEqual(tester.counters, new Map([["", 0n]]));
  assert.deepEqual(tester.published.map(({ topic, key, properties, value, text }) => [topic, key, properties, value, text]), [
    ["t", "", {}, empty, ""],
    ["t", null, { "": "" }, empty, ""],
    ["t", null, {}, empty, ""],
    ["t", "", { "": "" }, empty, ""],
    ["t", null, {}, empty, ""],
    ["t", "", {}, empty, ""],
  ]);
  assert.deepEqual(tester.logLines, ["INFO "]);
  assert.deepEqual(tester.metrics, new Map([["", [0]]]));

  // an empty output is an output; none is null
  for (const [input, output] of [["", empty], ["none", null], ["bytes", empty], ["view", empty]]) {
    const outcome = tester.process(input);
    assert.deepEqual([outcome.status, outcome.output, outcome.error], [0, output, null], input);
  }
  assert.deepEqual(tester.process("error"), new Outcome(1, null, ""));
  // and through runBytes: the relay gives an empty input back as an empty output
  const relay = await load("passthrough.wasm");
  assert.deepEqual(relay.process(new Uint8Array(0)), new Outcome(0, empty, null));
});

test("window_probe reads every part of every record of a window, and window_sum sums one", async () => {
  const probe = await load("window_probe.wasm");
  const outcome = probe.processWindow([
    { value: "a1", key: "k", eventTime: 1700000000000, messageId: new Uint8Array([1, 2, 255]),
      properties: new Map([["x", "1"], ["y", "2"]]) },
    { value: "" , topic: null },
    { value: new Uint8Array([0xc3, 0xa9]), key: "", eventTime: -1, messageId: new Uint8Array(0), properties: { "": "" } },
  ]);
  assert.equal(outcome.status, 0);
  assert.equal(outcome.text, [
    "window of 3",
    `0 key=k time=1700000000000 id=0102ff topic=${INPUT_TOPIC} props=x=1;y=2 value=a1`,
    "1 key=- time=- id=- topic=- props=- value=",
    `2 key= time=-1 id= topic=${INPUT_TOPIC} props== value=\u00e9`,
  ].join("\n"));
  assert.equal(probe.processWindow([]).text, "window of 0");
  // the bytes entry point given something else than a window
  assert.equal(probe.process("12").error, "the input is not a window: deploy with WasmWindowFunction");

  const sum = await load("window_sum.wasm");
  assert.equal(sum.processWindow(["1", "2", "39"].map((value) => ({ value }))).text, "42");
  assert.equal(sum.processWindow([]).text, "0");
  assert.equal(sum.processWindow([{ value: "1" }, { value: "x" }]).error,
    "window record 1: value is not a whole number of at most 18 digits");
});
