package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the JavaScript engine's own path exposes (QuickJS through its C API): the host calls the
 * user's process directly and reads the string it returns from the engine's memory, passes text
 * as C strings (which cannot hold U+0000), gives the prelude host functions, and runs the job
 * queue after each message. Each is tried here as a hostile author would, under the test heap cap.
 */
@Timeout(120)
class JavaScriptEngineTest {

    private static JsGuest strings(String source) throws IOException {
        return new JsGuest(source);
    }

    @Test
    void textHoldingNulCrossesWholeEveryWay() throws IOException {
        try (JsGuest tester = strings("export function process(input, ctx) {\n"
                        + "  if (input === 'config') return ctx.config('nul');\n"
                        + "  if (input === 'log') { ctx.log.info('a\\u0000b'); return 'logged'; }\n"
                        + "  return input + '\\u0000' + input.length;\n"
                        + "}\n")
                .config("nul", "x\u0000y")) {
            assertEquals("a\u0000b\u00003", tester.process("a\u0000b"));
            assertEquals("\u0000\u00001", tester.process("\u0000"));
            assertEquals("x\u0000y", tester.process("config"));
            assertEquals("logged", tester.process("log"));
            assertTrue(
                    tester.host().logLines().stream().anyMatch(line -> line.endsWith("a\u0000b")),
                    tester.host().logLines().toString());
            assertEquals("plain\u00005", tester.process("plain"));
        }
    }

    @Test
    void anOutputOverTheLimitIsRefusedBeforeTheHostReadsIt() throws IOException {
        try (JsGuest tester = strings("export function process(input) {\n"
                        + "  return input === 'big' ? 'x'.repeat(5000) : input;\n"
                        + "}\n")
                .config("wasm.max-output-bytes", 4096)) {
            WasmExecutionException e = assertThrows(WasmExecutionException.class, () -> tester.process("big"));
            assertTrue(e.getMessage().contains("5000"), e.getMessage());
            assertTrue(e.getMessage().contains("user config wasm.max-output-bytes"), e.getMessage());
            assertEquals("after", tester.process("after"));
        }
    }

    @Test
    void unboundedRecursionFailsTheMessageAndTheNextOneRuns() throws IOException {
        try (JsGuest tester = strings("function deeper(n) { return deeper(n + 1) + 1; }\n"
                + "export function process(input) { return input === 'deep' ? String(deeper(0)) : input; }\n")) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> tester.process("deep"));
            assertTrue(
                    e.getMessage().contains("stack") || e.getMessage().contains("call stack exhausted"),
                    e.getMessage());
            assertEquals("shallow", tester.process("shallow"));
        }
    }

    @Test
    @Timeout(30)
    void aJobQueueThatNeverEmptiesIsStoppedByTheDeadline() throws IOException {
        try (JsGuest tester = strings("async function forever() { for (;;) await null; }\n"
                        + "export function process(input) {\n"
                        + "  if (input === 'spin') forever();\n"
                        + "  return input;\n"
                        + "}\n")
                .config("wasm.timeout-ms", 300)) {
            WasmTimeoutException e = assertThrows(WasmTimeoutException.class, () -> tester.process("spin"));
            assertEquals(
                    "wasm module 'f.js': function process timed out after 300 ms (user config wasm.timeout-ms)",
                    e.getMessage());
            assertEquals("after", tester.process("after"));
        }
    }

    @Test
    void theCtxFunctionsTheHostRunsItselfHoldAgainstHostileArguments() throws IOException {
        // the host reads these functions' arguments from the engine's memory itself: a huge one is
        // refused by the limits, a string object or one whose toString throws never reaches it, and
        // fifty thousand log arguments go through the prelude's version
        try (JsGuest tester = strings("export function process(input, ctx) {\n"
                + "  if (input === 'huge') return ctx.config('k'.repeat(2 << 20));\n"
                + "  if (input === 'wide') { ctx.log.info(...new Array(50000).fill('x')); return 'logged'; }\n"
                + "  const tricks = [new String('k'), { toString() { throw new Error('called'); } }, Symbol('s')];\n"
                + "  return tricks.map((t) => { try { return ctx.property(t); } catch (e) { return e.name + ': ' + e.message; } })\n"
                + "    .join('|');\n"
                + "}\n")) {
            WasmExecutionException huge = assertThrows(WasmExecutionException.class, () -> tester.process("huge"));
            assertEquals(
                    "wasm module 'f.js': function process failed in host call ctx.config: a key of 2097152 bytes is "
                            + "more than the limit of 1024 bytes (user config wasm.max-key-bytes)",
                    huge.getMessage());
            assertEquals("logged", tester.process("wide"));
            String line = tester.host().logLines().get(tester.host().logLines().size() - 1);
            assertTrue(line.startsWith("INFO x x x"), line.substring(0, Math.min(40, line.length())));
            assertEquals(
                    "TypeError: a property name must be a string, not an object"
                            + "|TypeError: a property name must be a string, not an object"
                            + "|TypeError: a property name must be a string, not a symbol",
                    tester.process("tricks"));
            assertEquals(
                    "TypeError: a property name must be a string, not an object"
                            + "|TypeError: a property name must be a string, not an object"
                            + "|TypeError: a property name must be a string, not a symbol",
                    tester.process("again"));
        }
    }

    @Test
    void thePreludesHostFunctionsAreOutOfReach() throws IOException {
        try (JsGuest tester = strings("export function process() {\n"
                + "  return [typeof __pulsar_natives, typeof java_invoke, typeof Javy, typeof __pulsar_dispatch,\n"
                + "    Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__')).join('+')].join(',');\n"
                + "}\n")) {
            assertEquals("undefined,undefined,undefined,undefined,__pulsar_register", tester.process("x"));
        }
    }

    @Test
    void registeringAnotherProcessLaterChangesNothing() throws IOException {
        try (JsGuest tester = strings("export function process(input) {\n"
                + "  __pulsar_register(() => 'hijacked');\n"
                + "  __pulsar_register(42);\n"
                + "  return input + '!';\n"
                + "}\n")) {
            assertEquals("a!", tester.process("a"));
            assertEquals("b!", tester.process("b"));
        }
    }

    @Test
    void textEncoderAndTextDecoderFollowTheEncodingStandard() throws IOException {
        try (JsGuest tester = strings("export function process(input) {\n"
                + "  const bytes = new TextEncoder().encode('\\u00e9\\uD800x');\n"
                + "  const strict = new TextDecoder('utf-8', { fatal: true });\n"
                + "  let refused = 'no';\n"
                + "  try { strict.decode(new Uint8Array([0x61, 0xff])); } catch (e) { refused = e.name; }\n"
                + "  const lenient = new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62]));\n"
                + "  const bom = new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x6b]));\n"
                + "  const kept = new TextDecoder('utf8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf]));\n"
                + "  const big = new TextDecoder().decode(new TextEncoder().encode('z'.repeat(1 << 20))).length;\n"
                + "  const view = new TextDecoder().decode(new Uint8Array([0x41, 0x42, 0x43, 0x44]).subarray(1, 3));\n"
                + "  let label = 'no';\n"
                + "  try { new TextDecoder('latin1'); } catch (e) { label = e.name; }\n"
                + "  return [Array.from(bytes).join(' '), refused, lenient, bom, kept.length, big, view, label,\n"
                + "    new TextEncoder().encode('').length, new TextDecoder().decode()].join('|');\n"
                + "}\n")) {
            assertEquals(
                    "195 169 239 191 189 120|TypeError|a\uFFFDb|k|1|1048576|BC|RangeError|0|", tester.process("x"));
        }
    }

    @Test
    void aModuleThatReplacesTheBuiltinsItUsesCannotBreakTheHost() throws IOException {
        try (JsGuest tester = strings("String.prototype.toWellFormed = () => 'evil';\n"
                + "Array.prototype.join = () => 'evil';\n"
                + "Object.prototype.then = undefined;\n"
                + "export function process(input) { return input.toUpperCase(); }\n")) {
            assertEquals("CALM", tester.process("calm"));
        }
    }
}
