package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.util.List;
import org.junit.jupiter.api.Test;

class WasmFunctionTest {

    @Test
    void runsTheModuleNamedByUserConfig() {
        WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs("classpath:wasm/greeter.wasm").config("greeting", "hey");
        assertEquals(8L, tester.process(5L));
        assertNull(tester.process((Long) null));
        tester.close();
        assertEquals(
                List.of(
                        "INFO pulsar-wasm: loaded module 'greeter.wasm' for test-function (compiler, WASI off, default limits)",
                        "INFO ready",
                        "INFO hey",
                        "INFO bye"),
                tester.host().logLines());
    }

    @Test
    void withoutUserConfigLooksForTheResourceNamedAfterTheClass() {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.of(new WasmFunction())) {
            WasmLoadException error = assertThrows(WasmLoadException.class, () -> tester.process(1L));
            assertEquals(
                    "wasm module resource 'io.pulsarwasm.function.WasmFunction.wasm' not found on the classpath",
                    error.getMessage());
        }
    }

    @Test
    void stringFunctionPassesUtf8BothWaysAndRefusesOutputThatIsNot() {
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:wasm/echo.wasm")) {
            assertEquals("héllo wörld ✓", tester.process("héllo wörld ✓"));
            // U+FFFD sent as itself is text like any other, not the mark of a malformed input
            assertEquals("a\uFFFDb", tester.process("a\uFFFDb"));
            assertNull(tester.process(""));
            WasmExecutionException error = assertThrows(WasmExecutionException.class, () -> tester.process("U"));
            assertEquals(
                    "wasm module 'echo.wasm': the guest's output (2 bytes) is not valid UTF-8", error.getMessage());
            assertEquals("after", tester.process("after"));
            // the guest's memory is not in doubt: its instance is kept
            assertEquals(java.util.Map.of(), tester.host().metrics());
        }
    }

    @Test
    void aPublishThatFailsAfterTheGuestReturnedFailsTheMessageAndKeepsTheInstance() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:wasm/publisher.wasm")) {
            assertEquals(1, count(tester.process(new byte[] {'a'})));
            tester.host().failPublishes(new IllegalStateException("broker says no"));
            WasmExecutionException error =
                    assertThrows(WasmExecutionException.class, () -> tester.process(new byte[] {'b'}));
            assertEquals(
                    "wasm module 'publisher.wasm': pulsar.publish to 'side' failed: "
                            + "java.lang.IllegalStateException: broker says no",
                    error.getMessage());
            tester.host().failPublishes(null);
            assertEquals(3, count(tester.process(new byte[] {'c'})));
            assertEquals(java.util.Map.of(), tester.host().metrics());
            assertEquals(
                    List.of("a", "c"),
                    tester.host().published().stream().map(m -> m.text()).toList());
        }
    }

    private static int count(byte[] output) {
        return java.nio.ByteBuffer.wrap(output)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt();
    }

    @Test
    void bytesFunctionPassesBytesUnchanged() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:wasm/echo.wasm")) {
            byte[] binary = {'b', 0, (byte) 0xff, 1};
            assertEquals(List.of((byte) 'b', (byte) 0, (byte) 0xff, (byte) 1), boxed(tester.process(binary)));
        }
    }

    @Test
    void aModuleWithTheOtherEntryPointNamesTheClassToDeployItWith() {
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:wasm/greeter.wasm")) {
            assertEquals(
                    "wasm module 'greeter.wasm' exports process(i64) -> (i64), but WasmStringFunction calls "
                            + "process(i32, i32) -> (i32); deploy it with --classname io.pulsarwasm.function.WasmFunction",
                    assertThrows(WasmLoadException.class, () -> tester.process("x"))
                            .getMessage());
        }
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:wasm/echo.wasm")) {
            assertEquals(
                    "wasm module 'echo.wasm' exports process(i32, i32) -> (i32), but WasmFunction calls "
                            + "process(i64) -> (i64); deploy it with --classname io.pulsarwasm.function.WasmBytesFunction "
                            + "or io.pulsarwasm.function.WasmStringFunction",
                    assertThrows(WasmLoadException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }

    @Test
    void executionModeIsValidated() {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs("classpath:wasm/greeter.wasm").config("wasm.execution", "jit")) {
            assertEquals(
                    "user config wasm.execution must be interpreter, compiler or aot, got 'jit'",
                    assertThrows(IllegalArgumentException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }

    @Test
    void aFunctionTooLargeForTheCompilerRunsInTheInterpreterWithAWarning() {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:wasm/huge.wasm")) {
            assertEquals(120_005L, tester.process(5L));
            String warning = tester.host().logLines().get(0);
            assertEquals(
                    "WARN pulsar-wasm: wasm module 'huge.wasm': some functions are too large for the compiler and "
                            + "run in the interpreter (",
                    warning.substring(0, warning.indexOf('(') + 1));
        }
    }

    private static List<Byte> boxed(byte[] bytes) {
        List<Byte> list = new java.util.ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
