package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A compiled function over HotSpot's 8,000 bytes of bytecode runs in the JVM's interpreter; the
 * loader says so, naming each such function, and stays silent for a module without one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HugeMethodsTest {

    private static final String WARNING = "wasm module 'big.wasm': %s over the JVM's limit of 8000 bytes of bytecode "
            + "for JIT compilation and %s in its bytecode interpreter, several times slower \\((.*)\\); split %s into "
            + "smaller functions \\(e.g. keep helpers from being inlined\\), or run the function's instances with "
            + "-XX:-DontCompileHugeMethods";

    /** A function {@code $name(x) = x + adds}, one {@code i64.add} at a time. */
    private static String adder(String name, int adds, boolean exported) {
        StringBuilder body = new StringBuilder(
                "(func $" + name + (exported ? " (export \"process\")" : "") + " (param i64) (result i64) local.get 0");
        body.append(" i64.const 1 i64.add".repeat(adds));
        return body.append(")\n").toString();
    }

    private static Optional<String> warningOf(String moduleText) {
        byte[] wasm = Wat.compileWithNames(moduleText);
        try (WasmLoader loader = WasmLoader.fromBytes("big.wasm", wasm).withExecution(ExecutionMode.COMPILER)) {
            return loader.executionWarning();
        }
    }

    @Test
    void thisJvmLeavesHugeMethodsToItsInterpreterAsTheTestsAssume() {
        boolean compilesThem = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(argument -> argument.equals("-XX:-DontCompileHugeMethods"));
        assertEquals(!compilesThem, HugeMethods.jvmSkipsHugeMethods());
        assertTrue(HugeMethods.jvmSkipsHugeMethods(), "the tests below run on HotSpot's default");
    }

    @Test
    void aFunctionOverTheLimitIsNamedWithItsSizeAndStillRuns() {
        String text = "(module " + adder("sum_everything", 6000, true) + ")";
        String warning = warningOf(text).orElseThrow();
        Matcher matcher = Pattern.compile(String.format(WARNING, "1 function is", "runs", "it"))
                .matcher(warning);
        assertTrue(matcher.matches(), warning);
        Matcher named =
                Pattern.compile("sum_everything \\(function 0\\): (\\d+) bytes").matcher(matcher.group(1));
        assertTrue(named.matches(), matcher.group(1));
        int size = Integer.parseInt(named.group(1));
        assertTrue(size > 8000 && size < 65536, "6000 additions of 2 to 4 bytes each: " + size);
        try (WasmLoader loader = WasmLoader.fromBytes("big.wasm", Wat.compileWithNames(text))
                        .withExecution(ExecutionMode.COMPILER);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(6005L, guest.process(5L));
        }
    }

    @Test
    void aModuleWhoseFunctionsAreAllUnderTheLimitHasNoWarning() {
        assertEquals(Optional.empty(), warningOf("(module " + adder("small", 300, true) + ")"));
    }

    @Test
    void manyAreCountedAfterTheFirstFiveAndAFunctionWithoutANameByItsIndex() {
        StringBuilder text = new StringBuilder("(module ");
        text.append(adder("f0", 6000, true));
        for (int i = 1; i < 7; i++) {
            text.append(adder("f" + i, 6000, false));
        }
        text.append(adder("tiny", 10, false)).append(")");
        String warning = warningOf(text.toString()).orElseThrow();
        Matcher matcher = Pattern.compile(String.format(WARNING, "7 functions are", "run", "them"))
                .matcher(warning);
        assertTrue(matcher.matches(), warning);
        assertTrue(
                Pattern.matches(
                        "f0 \\(function 0\\): \\d+ bytes, f1 \\(function 1\\): \\d+ bytes, f2 \\(function 2\\): \\d+ "
                                + "bytes, f3 \\(function 3\\): \\d+ bytes, f4 \\(function 4\\): \\d+ bytes, and 2 more",
                        matcher.group(1)),
                matcher.group(1));
        String unnamed = "(module " + adder("gone", 6000, true).replace("$gone ", "") + ")";
        try (WasmLoader loader =
                WasmLoader.fromBytes("big.wasm", Wat.compile(unnamed)).withExecution(ExecutionMode.COMPILER)) {
            String plain = loader.executionWarning().orElseThrow();
            assertTrue(plain.contains("several times slower (function 0: "), plain);
        }
    }

    @Test
    void classesTheReaderDoesNotKnowGiveNoWarningAndNoFailure() throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(bytes)) {
            jar.putNextEntry(new java.util.jar.JarEntry("run/endive/$gen/Odd.class"));
            // magic, version 61, two constant pool entries, the first of tag 99 (no such tag)
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 2, 99});
            jar.closeEntry();
        }
        HugeMethods sizes = new HugeMethods();
        sizes.putIfAbsent("digest", bytes.toByteArray());
        run.endive.wasm.WasmModule module =
                run.endive.wasm.Parser.parse(Wat.compile("(module " + adder("f", 1, true) + ")"));
        assertNull(sizes.warningOrNull("odd.wasm", module));
        assertEquals(
                "cannot read the classes the compiler generated",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, sizes::functions)
                        .getMessage());
    }

    @Test
    void aGuestsFunctionNameIsShownPrintableAndShort() {
        assertEquals("a?b", HugeMethods.printable("a\nb"));
        assertEquals("x".repeat(64) + "...", HugeMethods.printable("x".repeat(1 << 20)));
        assertNull(HugeMethods.printable(""));
        assertNull(HugeMethods.printable(null));
    }
}
