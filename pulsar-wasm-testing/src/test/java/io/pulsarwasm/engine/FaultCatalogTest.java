package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.testing.WasmFunctionTester;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault a guest can commit, each with the exact error the user sees, and the next message
 * processed normally afterwards (by a fresh instance when the old one may be inconsistent) — in the
 * interpreter and in compiled code alike.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class FaultCatalogTest {

    private static final String FAULTS = "classpath:wasm/faults.wasm";
    private static final String PREFIX = "wasm module 'faults.wasm': export 'process' ";

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void outOfBoundsMemoryAccessTrapsAndTheInstanceIsReplaced(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs(FAULTS).config(ExecutionMode.KEY, mode.name())) {
            assertFault(
                    PREFIX + "trapped: out of bounds memory access"
                            + (mode == ExecutionMode.COMPILER
                                    ? ": attempted to access address: -16 but limit is: 65536 and size: 8"
                                    : ""),
                    () -> tester.process(10L));
            assertEquals(7L, tester.process(7L));
            assertEquals(
                    Map.of("wasm_instance_recycles", List.of(1.0)),
                    tester.host().metrics());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void infiniteLoopIsInterruptedAtTheTimeout(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs(FAULTS)
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.TIMEOUT_MS.key(), 200.0)) {
            long start = System.nanoTime();
            WasmTimeoutException timeout = assertThrows(WasmTimeoutException.class, () -> tester.process(11L));
            long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(PREFIX + "timed out after 200 ms (user config wasm.timeout-ms)", timeout.getMessage());
            assertTrue(tookMillis >= 200, "interrupted after " + tookMillis + " ms");
            assertEquals(8L, tester.process(8L));
            assertTrue(Thread.currentThread().isInterrupted() == false, "the caller's interrupt flag is cleared");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void memoryGrowthPastTheCapNamesTheLimit(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs(FAULTS)
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.MAX_MEMORY_PAGES.key(), 4.0)) {
            assertFault(
                    PREFIX + "trapped: Trapped on unreachable instruction (guest memory is at its limit of "
                            + "4 pages (256 KiB), user config wasm.max-memory-pages; a refused memory.grow is the likely cause)",
                    () -> tester.process(12L));
            assertEquals(9L, tester.process(9L));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void moduleDeclaringMoreMemoryThanTheCapIsRefusedAtLoad(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs("classpath:wasm/big_memory.wasm").config(ExecutionMode.KEY, mode.name())) {
            assertEquals(
                    "wasm module 'big_memory.wasm' declares a memory of 300 initial pages, more than the limit of "
                            + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                    assertThrows(WasmLoadException.class, () -> tester.process(1L))
                            .getMessage());
        }
        try (WasmFunctionTester<Long, Long> raised = WasmFunctionTester.longs("classpath:wasm/big_memory.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.MAX_MEMORY_PAGES.key(), 300.0)) {
            assertEquals(1L, raised.process(1L));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void unboundedRecursionExhaustsTheStack(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs(FAULTS).config(ExecutionMode.KEY, mode.name())) {
            assertFault(PREFIX + "trapped: call stack exhausted", () -> tester.process(13L));
            assertEquals(6L, tester.process(6L));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void outputLargerThanTheCapFailsTheMessage(ExecutionMode mode) {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:wasm/echo.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.MAX_OUTPUT_BYTES.key(), 10.0)) {
            assertArrayEquals(new byte[10], tester.process(new byte[10]));
            assertFault(
                    "wasm module 'echo.wasm': export 'process' failed in host call pulsar.set_output: an output of "
                            + "11 bytes is more than the limit of 10 bytes (user config wasm.max-output-bytes)",
                    () -> tester.process(new byte[11]));
            assertArrayEquals(new byte[3], tester.process(new byte[3]));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void hostDataLargerThanTheCapFailsTheMessage(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:wasm/greeter.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config("greeting", "x".repeat(100))
                .config(Limit.MAX_HOST_DATA_BYTES.key(), 50.0)) {
            assertFault(
                    "wasm module 'greeter.wasm': export 'process' failed in host call pulsar.get_config: the value is "
                            + "100 bytes, more than the limit of 50 bytes a host call returns (user config wasm.max-host-data-bytes)",
                    () -> tester.process(1L));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void fiveMegabyteInputPassesThrough(ExecutionMode mode) {
        byte[] input = new byte[5 * 1000 * 1000];
        new Random(42).nextBytes(input);
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:wasm/echo.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.MAX_OUTPUT_BYTES.key(), 6.0 * 1000 * 1000)) {
            input[0] = 'x';
            assertArrayEquals(input, tester.process(input));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void guestReportedErrorKeepsTheInstance(ExecutionMode mode) {
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.bytes("classpath:wasm/echo.wasm").config(ExecutionMode.KEY, mode.name())) {
            assertThrows(GuestErrorException.class, () -> tester.process(new byte[] {'E'}));
            assertArrayEquals(new byte[] {'o', 'k'}, tester.process(new byte[] {'o', 'k'}));
            assertEquals(Map.of(), tester.host().metrics());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void invalidConfigValuesAreNamed(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs(FAULTS)
                .config(ExecutionMode.KEY, mode.name())
                .config(Limit.TIMEOUT_MS.key(), "soon")) {
            assertEquals(
                    "user config wasm.timeout-ms must be a whole number from 1 to 3600000, got 'soon'",
                    assertThrows(IllegalArgumentException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void wasiIsOffUnlessEnabledAndSaysHowToEnableIt(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs("classpath:wasm/wasi_hello.wasm").config(ExecutionMode.KEY, mode.name())) {
            assertEquals(
                    "wasm module 'wasi_hello.wasm' imports 'wasi_snapshot_preview1.fd_write', but WASI is off; "
                            + "set user config wasm.wasi.enabled to true to give the guest WASI",
                    assertThrows(WasmLoadException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void wasiStdoutAndStderrGoToTheFunctionLog(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:wasm/wasi_hello.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config(WasiConfig.ENABLED, true)) {
            assertEquals(3L, tester.process(3L));
            List<String> lines = tester.host().logLines();
            assertEquals(
                    List.of("INFO hello from wasi", "WARN careful"), lines.subList(lines.size() - 2, lines.size()));
        }
    }

    private static void assertFault(String expected, Executable call) {
        assertEquals(expected, assertThrows(WasmExecutionException.class, call).getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void aStartFunctionThatNeverReturnsIsStoppedByTheDeadline(ExecutionMode mode) {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:wasm/start_loops.wasm")
                .config(ExecutionMode.KEY, mode.name())
                .config("wasm.timeout-ms", 200.0)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                assertEquals(
                        "wasm module 'start_loops.wasm': the start function timed out after 200 ms "
                                + "(user config wasm.timeout-ms)",
                        assertThrows(WasmLoadException.class, () -> tester.process(1L))
                                .getMessage());
            }
        }
    }

    @Test
    void anUnknownWasmKeyIsRefusedWithTheNearestKnownOne() {
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs(FAULTS).config("wasm.timeout_ms", 200.0)) {
            assertEquals(
                    "unknown user config key 'wasm.timeout_ms'; did you mean 'wasm.timeout-ms'? (the wasm.* keys are "
                            + "wasm.aot.class, wasm.execution, wasm.failure-max-error-chars, wasm.failure-max-input-bytes, wasm.failure-topic, wasm.max-code-bytes, wasm.max-functions, wasm.max-globals, "
                            + "wasm.max-host-data-bytes, wasm.max-key-bytes, wasm.max-log-bytes-per-call, wasm.max-log-line-bytes, "
                            + "wasm.max-memories, wasm.max-memory-pages, wasm.max-metric-names, wasm.max-module-bytes, "
                            + "wasm.max-output-bytes, wasm.max-publish-topics, wasm.max-state-value-bytes, wasm.max-table-elements, "
                            + "wasm.max-tables, wasm.max-window-bytes, wasm.max-window-records, wasm.max-write-bytes-per-call, "
                            + "wasm.max-writes-per-call, wasm.module, wasm.module-timeout-ms, wasm.timeout-ms, wasm.trace-context, wasm.wasi.args, "
                            + "wasm.wasi.dirs, wasm.wasi.enabled, wasm.wasi.env, wasm.wasi.max-files, wasm.wasi.max-fs-bytes, "
                            + "wasm.wasi.max-open-files)",
                    assertThrows(IllegalArgumentException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }
}
