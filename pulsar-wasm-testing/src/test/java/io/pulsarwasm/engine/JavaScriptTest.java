package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript functions as a hostile or careless author writes them, under the test heap cap
 * (-Xmx512m): every failure fails the message with the reason, and the next message still works.
 */
@Timeout(120)
class JavaScriptTest {

    @TempDir
    Path dir;

    private String script(String name, String source) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, source);
        return file.toUri().toString();
    }

    private WasmFunctionTester<String, String> strings(String source) throws IOException {
        return WasmFunctionTester.strings(script("f.js", source));
    }

    @Test
    void aSyntaxErrorFailsTheLoadNamingFileLineAndColumn() throws IOException {
        String location = script("bad.js", "export function process(input) {\n  return input +;\n}\n");
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings(location)) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process("x"));
            assertEquals(
                    "JavaScript function 'bad.js' does not compile: SyntaxError: unexpected token in expression: ';'\n"
                            + "    at bad.js:2:16",
                    e.getMessage());
        }
    }

    @Test
    void aModuleWithoutProcessFailsTheLoad() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export const process = 42;\n")) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process("x"));
            assertEquals(
                    "JavaScript function 'f.js' declares no function process: it must define process(input, ctx), "
                            + "e.g. export function process(input, ctx) { return input; }",
                    e.getMessage());
        }
    }

    @Test
    void anErrorInTopLevelCodeFailsTheLoadWithTheEnginesMessage() throws IOException {
        try (WasmFunctionTester<String, String> tester =
                strings("throw new TypeError('not today');\n" + "export function process(input) { return input; }\n")) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process("x"));
            assertEquals(
                    "JavaScript function 'f.js': its top-level code threw TypeError: not today\n"
                            + "    at <anonymous> (f.js:1:10)",
                    e.getMessage());
        }
    }

    @Test
    void whatProcessThrowsFailsTheMessageAndTheFunctionGoesOn() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                + "  if (input === 'text') throw 'just text';\n"
                + "  if (input === 'number') return 42;\n"
                + "  if (input === 'object') return { a: 1 };\n"
                + "  return input + '.';\n"
                + "}\n")) {
            GuestErrorException text = assertThrows(GuestErrorException.class, () -> tester.process("text"));
            assertEquals("uncaught just text", text.guestMessage());
            GuestErrorException number = assertThrows(GuestErrorException.class, () -> tester.process("number"));
            assertEquals(
                    "TypeError: process returned a number; it returns a string, a Uint8Array, null or undefined",
                    number.guestMessage().lines().findFirst().orElseThrow());
            GuestErrorException object = assertThrows(GuestErrorException.class, () -> tester.process("object"));
            assertEquals(
                    "TypeError: process returned an object; it returns a string, a Uint8Array, null or undefined",
                    object.guestMessage().lines().findFirst().orElseThrow());
            assertEquals("fine.", tester.process("fine"));
        }
    }

    @Test
    void aPromiseIsAwaitedAndOneThatNeverSettlesFailsTheMessage() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export async function process(input) {\n"
                + "  if (input === 'never') return new Promise(() => {});\n"
                + "  if (input === 'reject') throw new Error('rejected');\n"
                + "  return (await Promise.resolve(input)) + '!';\n"
                + "}\n")) {
            assertEquals("a!", tester.process("a"));
            GuestErrorException never = assertThrows(GuestErrorException.class, () -> tester.process("never"));
            assertEquals(
                    "process returned a Promise that did not settle (there are no timers or I/O to wait for: "
                            + "a Promise settles within the call or never)",
                    never.guestMessage());
            GuestErrorException rejected = assertThrows(GuestErrorException.class, () -> tester.process("reject"));
            assertEquals(
                    "Error: rejected",
                    rejected.guestMessage().lines().findFirst().orElseThrow());
            assertEquals("b!", tester.process("b"));
        }
    }

    @Test
    void aPromiseOfAnEarlierMessageSettlingLateDoesNotDecideALaterOne() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("let stash;\n"
                + "export function process(input) {\n"
                + "  if (input === 'hold') return { then(ok) { Promise.resolve().then(() => {}); stash = ok; } };\n"
                + "  if (stash) { stash('stale'); stash = null; }\n"
                + "  return input;\n"
                + "}\n")) {
            assertThrows(GuestErrorException.class, () -> tester.process("hold"));
            assertEquals("fresh", tester.process("fresh"));
        }
    }

    @Test
    void anExceptionThatCannotBeDescribedStillFailsOnlyTheMessage() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                + "  if (input === 'bad') throw { toJSON() { throw 1; }, toString() { throw 2; } };\n"
                + "  return input;\n"
                + "}\n")) {
            GuestErrorException e = assertThrows(GuestErrorException.class, () -> tester.process("bad"));
            assertEquals("uncaught exception (describing it threw too)", e.guestMessage());
            assertEquals("good", tester.process("good"));
        }
    }

    @Test
    @Timeout(30)
    void aRunawayLoopIsStoppedByTheDeadlineAndTheNextMessageRuns() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                        + "  while (input === 'spin') {}\n"
                        + "  return input;\n"
                        + "}\n")
                .config("wasm.timeout-ms", 300)) {
            assertEquals("warm", tester.process("warm"));
            WasmTimeoutException e = assertThrows(WasmTimeoutException.class, () -> tester.process("spin"));
            assertEquals(
                    "wasm module 'f.js': function process timed out after 300 ms (user config wasm.timeout-ms)",
                    e.getMessage());
            assertEquals("after", tester.process("after"));
        }
    }

    @Test
    void theUsersDeadlineCoversTheUsersCodeNotTheEnginesOwnStart() throws IOException {
        // with the shortest deadline, a start may fail, but only in a step of the user's code: the
        // engine's start and its prelude (the same for every function) are not the user's to pay for
        for (int i = 0; i < 5; i++) {
            try (WasmFunctionTester<String, String> tester = strings(
                            "export function process(input) { return input; }\n")
                    .config("wasm.timeout-ms", 1)) {
                try {
                    assertEquals("x", tester.process("x"));
                } catch (WasmLoadException | WasmTimeoutException e) {
                    // a start that fails fails the load (WasmLoadException), a call its message
                    assertTrue(
                            e.getMessage()
                                    .matches(
                                            "wasm module 'f\\.js': (compiling 'f\\.js'|the top-level code of 'f\\.js'"
                                                    + "|function process) timed out after 1 ms \\(user config wasm\\.timeout-ms\\)"),
                            e.getMessage());
                }
            }
        }
    }

    @Test
    void topLevelCodeThatNeverEndsIsStoppedByTheUsersDeadline() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings(
                        "for (;;) {}\nexport function process(input) { return input; }\n")
                .config("wasm.timeout-ms", 300)) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process("x"));
            assertEquals(
                    "wasm module 'f.js': the top-level code of 'f.js' timed out after 300 ms (user config wasm.timeout-ms)",
                    e.getMessage());
        }
    }

    @Test
    void memoryIsCappedByTheBudget() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                        + "  if (input === 'hog') { const a = []; for (;;) a.push('x'.repeat(4096) + a.length); }\n"
                        + "  return input;\n"
                        + "}\n")
                .config("wasm.max-memory-pages", 128)) {
            WasmExecutionException e = assertThrows(WasmExecutionException.class, () -> tester.process("hog"));
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
            assertTrue(e.getMessage().contains("user config wasm.max-memory-pages"), e.getMessage());
            assertEquals("still here", tester.process("still here"));
        }
    }

    /**
     * The engine's memory is one array, which growing copies: for a moment the heap holds the old
     * memory and the new. A limit of a quarter of this JVM's heap (this module's tests run under
     * -Xmx512m) fills to within the engine's own share, the copies included, and the next message
     * runs.
     */
    @Test
    void theEnginesMemoryGrowsToAQuarterOfTheHeapThoughGrowingCopiesIt() throws IOException {
        int limitMiB = (int) Math.min(2047, Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024));
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                        + "  if (input !== 'fill') return input;\n"
                        + "  const kept = [];\n"
                        + "  try { for (;;) kept.push(new Uint8Array(1024 * 1024)); }\n"
                        + "  catch (e) { return kept.length + ' ' + e.message; }\n"
                        + "}\n")
                .config("wasm.max-memory-pages", limitMiB * 16)) {
            String[] filled = tester.process("fill").split(" ", 2);
            int mib = Integer.parseInt(filled[0]);
            assertEquals("out of memory", filled[1]);
            // the engine starts with 82 pages (5 MiB) of its own; the rest is the arrays'
            assertTrue(mib > limitMiB - 12 && mib < limitMiB - 5, mib + " MiB of " + limitMiB);
            assertEquals("next", tester.process("next"));
        }
    }

    /**
     * A limit beyond what this JVM's heap holds (this module's tests run under -Xmx512m): the
     * engine's memory grows until the heap cannot hold the copy, which is refused like a grow past
     * the limit; the error says it was the heap, not the limit, and the next message runs.
     */
    @Test
    void aGrowTheHeapCannotHoldIsReportedAsTheHeapsNotTheLimits() throws IOException {
        int limitPages = (int) Math.min(32767, Runtime.getRuntime().maxMemory() * 2 / (64 * 1024));
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                        + "  if (input !== 'fill') return input;\n"
                        + "  const kept = [];\n"
                        + "  for (;;) kept.push(new Uint8Array(1024 * 1024));\n"
                        + "}\n")
                .config("wasm.max-memory-pages", limitPages)) {
            WasmExecutionException e = assertThrows(WasmExecutionException.class, () -> tester.process("fill"));
            assertTrue(
                    e.getMessage().contains("(the JVM's heap could not hold the guest's memory grown to ")
                            && e.getMessage().contains("below its limit: growing copies it"),
                    e.getMessage());
            assertEquals("next", tester.process("next"));
        }
    }

    @Test
    void everyWayTheEngineRunsOutOfMemoryNamesTheLimitAndTheNextMessageRuns() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input) {\n"
                        + "  if (input === 'array') { const a = []; for (;;) a.push(a.length); }\n"
                        + "  if (input === 'buffer') return String(new Uint8Array(64 * 1024 * 1024).length);\n"
                        + "  if (input === 'output') return 'x'.repeat(3 * 1024 * 1024);\n"
                        + "  if (input === 'objects') { const m = new Map(); for (let i = 0; ; i++) m.set(i, { i }); }\n"
                        + "  return input;\n"
                        + "}\n")
                .config("wasm.max-memory-pages", 128)) {
            for (String hostile : List.of("array", "buffer", "output", "objects")) {
                WasmExecutionException e =
                        assertThrows(WasmExecutionException.class, () -> tester.process(hostile), hostile);
                assertTrue(
                        e.getMessage().contains("user config wasm.max-memory-pages"), hostile + ": " + e.getMessage());
                assertEquals("next after " + hostile, tester.process("next after " + hostile));
            }
        }
    }

    @Test
    void aMessageLeavesNothingBehindSoOneInstanceServesThemAll() throws IOException {
        // nothing is evaluated per message: in a small memory (the engine's own 82 pages, and 46 for
        // JavaScript), 20,000 messages run in one instance, whose globals carry on
        try (WasmFunctionTester<String, String> tester = strings(
                        "let seen = 0;\n" + "export function process(input) { seen++; return input + ':' + seen; }\n")
                .config("wasm.max-memory-pages", 128)) {
            for (int i = 0; i < 20_000; i++) {
                assertEquals("m" + i + ":" + (i + 1), tester.process("m" + i));
            }
        }
    }

    @Test
    void aBudgetBelowWhatTheEngineNeedsToStartFailsTheLoadNamingIt() throws IOException {
        try (WasmFunctionTester<String, String> tester =
                strings("export function process(input) { return input; }\n").config("wasm.max-memory-pages", 64)) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process("x"));
            assertEquals(
                    "JavaScript function 'f.js': the JavaScript engine needs 82 pages (5248 KiB) of memory to start (its "
                            + "stack and data); user config wasm.max-memory-pages allows 64 pages (4 MiB)",
                    e.getMessage());
        }
    }

    @Test
    void theWholeContextReachesJavaScript() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input, ctx) {\n"
                        + "  console.log('log', 1, {a: [true]});\n"
                        + "  ctx.log.warn('warned');\n"
                        + "  return JSON.stringify([ctx.key(), ctx.topic(), ctx.properties(), ctx.property('p'), ctx.property('q'),\n"
                        + "    ctx.eventTime(), Array.from(ctx.messageId() ?? []), ctx.tenant(), ctx.namespace(), ctx.functionName(),\n"
                        + "    ctx.instanceId(), ctx.numInstances(), ctx.config('c'), ctx.config('none'), ctx.secret('s'), ctx.schema()]);\n"
                        + "}\n")
                .config("c", "see")
                .secret("s", "hush")) {
            tester.host().identity("t", "ns", "fn", 2, 3);
            String out = tester.process(TestRecord.of("in")
                    .withKey("k")
                    .withTopic("persistent://t/ns/in")
                    .withProperty("p", "é")
                    .withEventTime(1700000000123L)
                    .withMessageId(new byte[] {8, 1, -1}));
            assertEquals(
                    "[\"k\",\"persistent://t/ns/in\",{\"p\":\"é\"},\"é\",null,1700000000123,[8,1,255],\"t\",\"ns\",\"fn\","
                            + "2,3,\"see\",null,\"hush\",{\"type\":\"BYTES\",\"name\":\"Bytes\",\"definition\":null,\"properties\":{},"
                            + "\"version\":null}]",
                    out);
            assertEquals(
                    List.of("INFO log 1 {\"a\":[true]}", "WARN warned"),
                    tester.host()
                            .logLines()
                            .subList(
                                    tester.host().logLines().size() - 2,
                                    tester.host().logLines().size()));
        }
    }

    @Test
    void ctxCallsTheHostRunsItselfGiveWhatTheirJavaScriptVersionsGive() throws IOException {
        // config, secret, property, key, topic, tenant, namespace, functionName and the log levels
        // go straight to the host; what it does not handle itself goes through the prelude: an
        // argument that is not one string, a result holding U+0000
        try (WasmFunctionTester<String, String> tester = strings("function read(ctx, k) {\n"
                        + "  return ctx.config(k);\n"
                        + "}\n"
                        + "export function process(input, ctx) {\n"
                        + "  if (input === 'number') return read(ctx, 7);\n"
                        + "  if (input === 'none') return ctx.secret();\n"
                        + "  ctx.log.info('one');\n"
                        + "  ctx.log.warn('two', 2);\n"
                        + "  ctx.log.error(3);\n"
                        + "  ctx.log.debug();\n"
                        + "  console.log('a\\u0000b');\n"
                        + "  return JSON.stringify([ctx.config('nul'), ctx.config('c', 'ignored'), ctx.property('p'),\n"
                        + "    ctx.key(), ctx.topic(7), ctx.secret('s')]);\n"
                        + "}\n")
                .config("c", "see")
                .config("nul", "x\u0000y")
                .secret("s", "hush")) {
            String out = tester.process(TestRecord.of("in")
                    .withKey("k\u0000")
                    .withTopic("persistent://t/ns/in")
                    .withProperty("p", "\u0000"));
            assertEquals("[\"x\\u0000y\",\"see\",\"\\u0000\",\"k\\u0000\",\"persistent://t/ns/in\",\"hush\"]", out);
            List<String> logs = tester.host().logLines();
            assertEquals(
                    List.of("INFO one", "WARN two 2", "ERROR 3", "DEBUG ", "INFO a\u0000b"),
                    logs.subList(logs.size() - 5, logs.size()));

            GuestErrorException number = assertThrows(GuestErrorException.class, () -> tester.process("number"));
            List<String> lines = number.guestMessage().lines().toList();
            assertEquals("TypeError: a config key must be a string, not a number", lines.get(0));
            assertEquals(3, lines.size(), number.guestMessage());
            assertTrue(lines.get(1).matches("    at read \\(f\\.js:2:\\d+\\)"), number.guestMessage());
            assertTrue(lines.get(2).matches("    at process \\(f\\.js:5:\\d+\\)"), number.guestMessage());

            GuestErrorException none = assertThrows(GuestErrorException.class, () -> tester.process("none"));
            lines = none.guestMessage().lines().toList();
            assertEquals("TypeError: a secret name must be a string, not an undefined", lines.get(0));
            assertEquals(2, lines.size(), none.guestMessage());
            assertTrue(lines.get(1).matches("    at process \\(f\\.js:6:\\d+\\)"), none.guestMessage());
        }
    }

    @Test
    void everyCtxCallTakesAndGivesEmptyAndAbsentValues() throws IOException {
        // a message with nothing but its (empty) value: no key, no properties, no event time, no message id
        try (WasmFunctionTester<String, String> tester = strings("export function process(input, ctx) {\n"
                        + "  if (input === 'present') return JSON.stringify([ctx.properties(), ctx.key(), ctx.property('')]);\n"
                        + "  ctx.log.info('');\n"
                        + "  ctx.state.put('t', '');\n"
                        + "  ctx.state.put('b', new Uint8Array(0));\n"
                        + "  ctx.publish('persistent://public/default/side', '', { key: '', properties: {} });\n"
                        + "  ctx.publish('persistent://public/default/side', new Uint8Array(0));\n"
                        + "  ctx.counterIncr('c', 0);\n"
                        + "  return JSON.stringify([input, ctx.properties(), ctx.key(), ctx.property('p'), ctx.property(''),\n"
                        + "    ctx.eventTime(), ctx.messageId(), ctx.config('empty'), ctx.config('none'), ctx.secret('empty'),\n"
                        + "    ctx.secret('none'), ctx.state.getString('t'), Array.from(ctx.state.get('b')), ctx.state.get('none'),\n"
                        + "    ctx.state.getString('none'), ctx.counterGet('c'), ctx.counterGet('none')]);\n"
                        + "}\n")
                .config("empty", "")
                .secret("empty", "")) {
            String out = tester.process(TestRecord.of(""));
            assertEquals("[\"\",{},null,null,null,null,null,\"\",null,\"\",null,\"\",[],null,null,0,0]", out);
            assertEquals(
                    "INFO ",
                    tester.host().logLines().get(tester.host().logLines().size() - 1));
            assertArrayEquals(new byte[0], tester.host().state().get("t"));
            assertArrayEquals(new byte[0], tester.host().state().get("b"));
            assertEquals(2, tester.host().published().size());
            assertEquals("", tester.host().published().get(0).text());
            assertEquals("", tester.host().published().get(0).key());
            assertEquals(Map.of(), tester.host().published().get(0).properties());
            assertEquals("", tester.host().published().get(1).text());
            assertNull(tester.host().published().get(1).key());
            // an empty key and an empty property name and value are present, not absent
            assertEquals(
                    "[{\"\":\"\"},\"\",\"\"]",
                    tester.process(TestRecord.of("present").withKey("").withProperty("", "")));
        }
    }

    @Test
    void aStringCutInsideASurrogatePairCrossesWithTheReplacementCharacter() throws IOException {
        // '\uD83D\uDE00'.slice(0, 1) is a lone high surrogate; UTF-8 cannot hold it, so it becomes U+FFFD
        try (WasmFunctionTester<String, String> tester = strings("export function process(input, ctx) {\n"
                        + "  const cut = input.slice(0, 1);\n"
                        + "  ctx.log.info(cut);\n"
                        + "  ctx.state.put('s' + cut, cut);\n"
                        + "  ctx.publish('persistent://public/default/side', cut + 'v', { key: cut, properties: { [cut]: cut } });\n"
                        + "  if (input.endsWith('throw')) throw new Error('bad ' + cut);\n"
                        + "  return cut + '|' + input.slice(1, 2) + '|' + ctx.config('k' + cut);\n"
                        + "}\n")
                .config("k\uFFFD", "found")) {
            assertEquals("\uFFFD|\uFFFD|found", tester.process("\uD83D\uDE00"));
            assertEquals(
                    "INFO \uFFFD",
                    tester.host().logLines().get(tester.host().logLines().size() - 1));
            assertArrayEquals(
                    "\uFFFD".getBytes(StandardCharsets.UTF_8),
                    tester.host().state().get("s\uFFFD"));
            PublishedMessage published = tester.host().published().get(0);
            assertEquals(
                    List.of("\uFFFDv", "\uFFFD", Map.of("\uFFFD", "\uFFFD")),
                    List.of(published.text(), published.key(), published.properties()));
            GuestErrorException e = assertThrows(GuestErrorException.class, () -> tester.process("\uD83D\uDE00throw"));
            assertEquals(
                    "Error: bad \uFFFD", e.guestMessage().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void aRecordWithALoneSurrogateIsWrittenWithTheReplacementCharacter() throws IOException {
        String location = script(
                "cut.js",
                "export function process(user) {\n"
                        + "  return { name: user.name.slice(0, 1), age: user.age };\n"
                        + "}\n");
        try (WasmFunctionTester<org.apache.pulsar.client.api.schema.GenericObject, RecordOutput> tester =
                WasmFunctionTester.records(location)) {
            String schema = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                    + "{\"name\":\"age\",\"type\":\"int\"}]}";
            RecordOutput out = tester.process(RecordInput.ofJson(
                    RecordInput.schema(SchemaType.AVRO, schema), "{\"name\":\"\\ud83d\\ude00\",\"age\":3}"));
            assertEquals("{\"name\":\"\uFFFD\",\"age\":3}", out.json());
        }
    }

    @Test
    void aStackShowsTheUsersFramesAndNoneOfThePreludes() throws IOException {
        // the prelude is compiled under the same file name as the user's module: its frames would show
        // as lines of f.js that do not exist (this file has 9 lines)
        try (WasmFunctionTester<String, String> tester = strings("function store(ctx, v) {\n"
                + "  ctx.state.put(v, 'x');\n"
                + "}\n"
                + "export function process(input, ctx) {\n"
                + "  if (input === 'key') store(ctx, 7);\n"
                + "  if (input === 'object') return { a: 1 };\n"
                + "  if (input === 'store') store(ctx, 'k');\n"
                + "  return input;\n"
                + "}\n")) {
            GuestErrorException key = assertThrows(GuestErrorException.class, () -> tester.process("key"));
            List<String> lines = key.guestMessage().lines().toList();
            assertEquals("TypeError: a state key must be a string, not a number", lines.get(0));
            assertEquals(3, lines.size(), key.guestMessage());
            assertTrue(lines.get(1).matches("    at store \\(f\\.js:2:\\d+\\)"), key.guestMessage());
            assertTrue(lines.get(2).matches("    at process \\(f\\.js:5:\\d+\\)"), key.guestMessage());

            // what process returned is wrong: no user code is on the stack, so there is none
            GuestErrorException object = assertThrows(GuestErrorException.class, () -> tester.process("object"));
            assertEquals(
                    "TypeError: process returned an object; it returns a string, a Uint8Array, null or undefined",
                    object.guestMessage());

            tester.host().failState(new IllegalStateException("State t/ns/f is not enabled."));
            GuestErrorException store = assertThrows(GuestErrorException.class, () -> tester.process("store"));
            List<String> storeLines = store.guestMessage().lines().toList();
            assertEquals(
                    "Error: ctx.statePut: java.lang.IllegalStateException: State t/ns/f is not enabled.",
                    storeLines.get(0));
            assertEquals(3, storeLines.size(), store.guestMessage());
            assertTrue(storeLines.get(1).matches("    at store \\(f\\.js:2:\\d+\\)"), store.guestMessage());
            assertTrue(storeLines.get(2).matches("    at process \\(f\\.js:7:\\d+\\)"), store.guestMessage());
        }
    }

    @Test
    void aRecordThatJsonCannotWriteFailsWithoutThePreludesStack() throws IOException {
        String location = script(
                "cyclic.js",
                "export function process(user) {\n"
                        + "  const o = { name: user.name }; o.self = o; return o;\n"
                        + "}\n");
        try (WasmFunctionTester<org.apache.pulsar.client.api.schema.GenericObject, RecordOutput> tester =
                WasmFunctionTester.records(location)) {
            String schema = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
            GuestErrorException e = assertThrows(
                    GuestErrorException.class,
                    () -> tester.process(
                            RecordInput.ofJson(RecordInput.schema(SchemaType.AVRO, schema), "{\"name\":\"n\"}")));
            assertEquals(1, e.guestMessage().lines().count(), e.guestMessage());
            assertTrue(e.guestMessage().startsWith("TypeError: "), e.guestMessage());
        }
    }

    @Test
    void anEmptyOutputIsAnEmptyStringAndNoneIsNull() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings(
                "export function process(input, ctx) {\n" + "  return input === 'none' ? null : '';\n" + "}\n")) {
            assertEquals("", tester.process(""));
            assertNull(tester.process("none"));
            assertEquals("", tester.process(TestRecord.of("x")));
        }
    }

    @Test
    void stateTakesTextAndBytesAndAFailingStoreIsAnErrorTheFunctionCanCatch() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input, ctx) {\n"
                + "  if (input === 'put') { ctx.state.put('t', 'tëxt'); ctx.state.put('b', new Uint8Array([0, 255])); return 'ok'; }\n"
                + "  if (input === 'get') return ctx.state.getString('t') + ' ' + Array.from(ctx.state.get('b')) + ' ' + ctx.state.get('none');\n"
                + "  try { ctx.state.put('k', 'v'); return 'stored'; } catch (e) { return 'caught ' + e.message; }\n"
                + "}\n")) {
            assertEquals("ok", tester.process("put"));
            assertArrayEquals(new byte[] {0, -1}, tester.host().state().get("b"));
            assertEquals("tëxt 0,255 null", tester.process("get"));
            tester.host().failState(new IllegalStateException("State t/ns/f is not enabled."));
            assertEquals(
                    "caught ctx.statePut: java.lang.IllegalStateException: State t/ns/f is not enabled.",
                    tester.process("fail"));
        }
    }

    @Test
    void limitsApplyAsToWasmAndPassingOneFailsTheMessage() throws IOException {
        try (WasmFunctionTester<String, String> tester = strings("export function process(input, ctx) {\n"
                        + "  if (input === 'key') return ctx.config('k'.repeat(2000));\n"
                        + "  if (input === 'big') { ctx.publish('persistent://public/default/x', new Uint8Array(70000)); return 'no'; }\n"
                        + "  if (input === 'many') { for (let i = 0; i < 10; i++) ctx.recordMetric('m' + i, 1); return 'no'; }\n"
                        + "  return input;\n"
                        + "}\n")
                .config("wasm.max-write-bytes-per-call", 65536)
                .config("wasm.max-metric-names", 5)) {
            WasmExecutionException key = assertThrows(WasmExecutionException.class, () -> tester.process("key"));
            assertEquals(
                    "wasm module 'f.js': function process failed in host call ctx.config: a key of 2000 bytes is more "
                            + "than the limit of 1024 bytes (user config wasm.max-key-bytes)",
                    key.getMessage());
            WasmExecutionException big = assertThrows(WasmExecutionException.class, () -> tester.process("big"));
            assertEquals(
                    "wasm module 'f.js': function process failed in host call ctx.publish: 70004 bytes written in one "
                            + "call, more than the limit of 65536 bytes (user config wasm.max-write-bytes-per-call)",
                    big.getMessage());
            WasmExecutionException many = assertThrows(WasmExecutionException.class, () -> tester.process("many"));
            assertTrue(many.getMessage().contains("metric 'm5' would be distinct metric name 6"), many.getMessage());
            assertEquals("fine", tester.process("fine"));
        }
    }

    @Test
    void aBytesFunctionGetsAndGivesBytes() throws IOException {
        String location = script(
                "rev.js",
                "export function process(input) {\n"
                        + "  if (!(input instanceof Uint8Array)) throw new Error('not bytes');\n"
                        + "  return input.length === 0 ? null : input.slice().reverse();\n"
                        + "}\n");
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes(location)) {
            assertArrayEquals(new byte[] {3, -1, 0}, tester.process(new byte[] {0, -1, 3}));
            assertNull(tester.process(new byte[0]));
            byte[] large = new byte[1 << 20];
            large[0] = 7;
            assertEquals(7, tester.process(large)[large.length - 1]);
        }
    }

    @Test
    void aLongFunctionCannotRunJavaScript() throws IOException {
        String location = script("f.js", "export function process(input) { return input; }\n");
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs(location)) {
            WasmLoadException e = assertThrows(WasmLoadException.class, () -> tester.process(1L));
            assertEquals(
                    "wasm module 'f.js' exports process(i32, i32) -> (i32), but WasmFunction calls process(i64) -> (i64); "
                            + "deploy it with --classname io.pulsarwasm.function.WasmBytesFunction or "
                            + "io.pulsarwasm.function.WasmStringFunction",
                    e.getMessage());
        }
    }

    @Test
    void textThatIsNotUtf8IsRefused() throws IOException {
        Path file = dir.resolve("latin.js");
        Files.write(file, "export function process(i) { return 'caf\u00e9'; }".getBytes(StandardCharsets.ISO_8859_1));
        WasmLoadException e = assertThrows(
                WasmLoadException.class,
                () -> WasmLoader.fromLocation(
                        file.toUri().toString(), getClass().getClassLoader()));
        assertEquals("JavaScript function 'latin.js' is not UTF-8 text", e.getMessage());
        assertInstanceOf(WasmLoadException.class, e);
    }
}
