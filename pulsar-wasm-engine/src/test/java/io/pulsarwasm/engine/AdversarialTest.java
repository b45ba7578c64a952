package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pulsarwasm.host.Host;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile modules and configs, one per way a guest or a user could make the host hold too much or
 * wait too long: each asserts the exact outcome. The module's surefire runs this under
 * {@code -Xmx512m}, so an unbounded host buffer fails the run instead of passing unnoticed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdversarialTest {

    private static final String NAME = "hostile.wasm";
    private static final Limits FAST = Limits.DEFAULTS.with(Limit.TIMEOUT_MS, 200);

    private static WasmLoader load(byte[] module, Limits limits) {
        return WasmLoader.fromBytes(NAME, module, new Sandbox(limits, WasiConfig.OFF));
    }

    private static String loadError(byte[] module, Limits limits) {
        return assertThrows(WasmLoadException.class, () -> {
                    try (WasmLoader loader = load(module, limits);
                            WasmInstance instance = loader.newInstance(new TestHost())) {
                        instance.entryPoint();
                    }
                })
                .getMessage();
    }

    private static String loop(int times, String body) {
        return "(local.set $i (i32.const 0)) (loop $l " + body
                + " (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.lt_u (local.get $i) (i32.const " + times + "))))";
    }

    private static String processError(WasmInstance instance) {
        return assertThrows(WasmExecutionException.class, () -> instance.process(0L))
                .getMessage();
    }

    private static String hostCallFailure(String call, String problem) {
        return "wasm module '" + NAME + "': export 'process' failed in host call pulsar." + call + ": " + problem;
    }

    @Nested
    class Memories {

        @Test
        void oneMemoryOverTheLimitIsRefusedAtLoad() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares a memory of 300 initial pages, more than the limit of "
                            + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                    loadError(
                            Wat.compile(
                                    "(module (memory 300) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void memoriesTogetherOverTheLimitAreRefusedAtLoad() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares 2 memories of 300 initial pages together, more than the limit of "
                            + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                    loadError(
                            Wat.compile(
                                    "(module (memory 200) (memory 100) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @ParameterizedTest
        @EnumSource(
                value = ExecutionMode.class,
                names = {"INTERPRETER", "COMPILER"})
        void aSecondMemoryCannotGrow(ExecutionMode mode) {
            byte[] module = Wat.compile("""
                    (module (memory $a 1) (memory $b 1)
                      (func (export "process") (param i64) (result i64)
                        (i64.extend_i32_s (memory.grow $b (i32.wrap_i64 (local.get 0))))))""");
            try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(-1, guest.process(1L));
                assertEquals(-1, guest.process(100_000L));
                assertEquals(1, guest.process(0L));
            }
        }

        @ParameterizedTest
        @EnumSource(
                value = ExecutionMode.class,
                names = {"INTERPRETER", "COMPILER"})
        void theFirstMemoryGrowsOnlyIntoWhatTheOthersDoNotHold(ExecutionMode mode) {
            byte[] module = Wat.compile("""
                    (module (memory $a 1) (memory $b 10)
                      (func (export "process") (param i64) (result i64)
                        (i64.extend_i32_s (memory.grow $a (i32.wrap_i64 (local.get 0))))))""");
            try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(1, guest.process(245L)); // 1 + 245 + 10 = 256 pages
                assertEquals(-1, guest.process(1L));
            }
        }

        @Test
        void growthPastTheLimitIsRefusedAndTheTrapSaysWhy() {
            byte[] module = Wat.longGuest("""
                    (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
                    unreachable""", "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                String error = processError(guest);
                assertTrue(error.startsWith("wasm module 'hostile.wasm': export 'process' trapped: "), error);
                assertTrue(
                        error.endsWith(" (guest memory is at its limit of 256 pages (16 MiB), user config "
                                + "wasm.max-memory-pages; a refused memory.grow is the likely cause)"),
                        error);
            }
        }

        @Test
        void growthBeyondTheWasmMaximumIsRefused() {
            byte[] module = Wat.longGuest("(i64.extend_i32_s (memory.grow (i32.const 70000)))", "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(-1, guest.process(0L));
            }
        }

        @Test
        void aMemoryAtTheLimitLoadsAndCannotGrow() {
            byte[] module = Wat.compile("""
                    (module (memory 256)
                      (func (export "process") (param i64) (result i64) (i64.extend_i32_s (memory.grow (i32.const 1)))))""");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(-1, guest.process(0L));
            }
        }

        @Test
        void aSharedMemoryIsRefused() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares a shared memory; guests run single-threaded, so shared "
                            + "memories (threads) are not supported",
                    loadError(
                            Wat.compile(
                                    "(module (memory 1 1 shared) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }
    }

    @Nested
    class Tables {

        @Test
        void aLargeTableIsRefusedAtLoad() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares tables of 200000 initial elements together, more than the "
                            + "limit of 100000 table elements (user config wasm.max-table-elements)",
                    loadError(
                            Wat.compile(
                                    "(module (table 200000 funcref) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void tablesTogetherOverTheLimitAreRefusedAtLoad() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares tables of 120000 initial elements together, more than the "
                            + "limit of 100000 table elements (user config wasm.max-table-elements)",
                    loadError(
                            Wat.compile("(module (table 60000 funcref) (table 60000 externref) "
                                    + "(func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @ParameterizedTest
        @EnumSource(
                value = ExecutionMode.class,
                names = {"INTERPRETER", "COMPILER"})
        void tablesGrowUpToTheLimitTogether(ExecutionMode mode) {
            byte[] module = Wat.compile("""
                    (module (table $a 1 funcref) (table $b 1 externref)
                      (func (export "process") (param i64) (result i64)
                        (i64.add (i64.mul (i64.const 1000000)
                                          (i64.extend_i32_s (table.grow $a (ref.null func) (i32.wrap_i64 (local.get 0)))))
                                 (i64.extend_i32_s (table.grow $b (ref.null extern) (i32.const 1))))))""");
            try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(1_000_000 + 1, guest.process(99_997L)); // 2 + 99,997 + 1 = 100,000 elements
                assertEquals(-1_000_000 - 1, guest.process(1L));
            }
        }

        @Test
        void growthPastTheLimitIsRefusedAndTheTrapSaysWhy() {
            byte[] module = Wat.longGuest("""
                    (loop $grow (br_if $grow (i32.ne (table.grow $t (ref.null func) (i32.const 10000)) (i32.const -1))))
                    unreachable""", "(table $t 1 funcref)");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                String error = processError(guest);
                assertTrue(
                        error.endsWith(" (a table.grow was refused: guest tables are limited to 100000 table elements, "
                                + "user config wasm.max-table-elements; the likely cause)"),
                        error);
            }
        }

        @Test
        void oneInstancesGrowthDoesNotChangeTheNextInstancesTable() {
            byte[] module = Wat.longGuest(
                    "(drop (table.grow $t (ref.null func) (i32.const 10))) (i64.extend_i32_u (table.size $t))",
                    "(table $t 1 funcref)");
            try (WasmLoader loader = load(module, Limits.DEFAULTS)) {
                try (WasmInstance first = loader.newInstance()) {
                    assertEquals(11, first.process(0L));
                    assertEquals(21, first.process(0L));
                }
                try (WasmInstance second = loader.newInstance()) {
                    assertEquals(11, second.process(0L));
                }
            }
        }
    }

    @Nested
    class ModuleSizes {

        @Test
        void gcTypesAreRefused() {
            assertEquals(
                    "wasm module 'hostile.wasm' defines a struct or array type (type 0, the GC proposal); the host does "
                            + "not run GC guests, since their objects would live on the JVM heap outside the guest's memory limit",
                    loadError(
                            Wat.compile("(module (type $big (array (mut i64))) "
                                    + "(func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void tooManyMemoriesAreRefusedBeforeDecoding() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares 5 memories, more than the limit of 4 memories "
                            + "(user config wasm.max-memories)",
                    loadError(
                            Wat.compile("(module " + "(memory 0)".repeat(5)
                                    + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void tooManyTablesAreRefusedBeforeDecoding() {
            assertEquals(
                    "wasm module 'hostile.wasm' declares 17 tables, more than the limit of 16 tables "
                            + "(user config wasm.max-tables)",
                    loadError(
                            Wat.compile("(module " + "(table 0 funcref)".repeat(17)
                                    + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void tooManyGlobalsAreRefused() {
            StringBuilder globals = new StringBuilder();
            for (int i = 0; i < 10_001; i++) {
                globals.append("(global i32 (i32.const 0))");
            }
            assertEquals(
                    "wasm module 'hostile.wasm' defines 10001 globals, more than the limit of 10000 globals "
                            + "(user config wasm.max-globals)",
                    loadError(
                            Wat.compile("(module " + globals
                                    + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void tooManyFunctionsAreRefusedBeforeDecoding() {
            StringBuilder functions = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                functions.append("(func (result i32) (i32.const ").append(i).append("))");
            }
            assertEquals(
                    "wasm module 'hostile.wasm' defines 20001 functions, more than the limit of 20000 functions "
                            + "(user config wasm.max-functions)",
                    loadError(
                            Wat.compile("(module " + functions
                                    + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS));
        }

        @Test
        void aModuleAtTheFunctionLimitCompilesAndRuns() {
            StringBuilder functions = new StringBuilder();
            for (int i = 0; i < 19_999; i++) {
                functions
                        .append("(func (param i64) (result i64) (i64.add (local.get 0) (i64.const ")
                        .append(i)
                        .append(")))");
            }
            byte[] module = Wat.compile("(module " + functions
                    + " (func (export \"process\") (param i64) (result i64) (call 19998 (local.get 0))))");
            try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(ExecutionMode.COMPILER);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(19_998 + 2, guest.process(2L));
            }
        }

        @Test
        void aLoweredFunctionLimitHolds() {
            assertEquals(
                    "wasm module 'hostile.wasm' defines 4 functions, more than the limit of 3 functions "
                            + "(user config wasm.max-functions)",
                    loadError(
                            Wat.compile(
                                    "(module (func) (func) (func) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                            Limits.DEFAULTS.with(Limit.MAX_FUNCTIONS, 3)));
        }

        @Test
        void tooMuchCodeIsRefused() {
            String body = "(drop (i64.const 1))".repeat(100);
            String error = loadError(
                    Wat.compile(
                            "(module (func (export \"process\") (param i64) (result i64) " + body + " local.get 0))"),
                    Limits.DEFAULTS.with(Limit.MAX_CODE_BYTES, 100));
            assertTrue(error.startsWith("wasm module 'hostile.wasm' has "), error);
            assertTrue(
                    error.endsWith(
                            " bytes of code, more than the limit of 100 bytes (user config wasm.max-code-bytes)"),
                    error);
        }

        @Test
        void aModuleOverTheSizeLimitIsRefused() {
            byte[] module = Wat.compile("(module (func (export \"process\") (param i64) (result i64) "
                    + "(drop (i64.const 1))".repeat(50) + " local.get 0))");
            assertEquals(
                    "wasm module 'hostile.wasm' is " + module.length + " bytes, more than the limit of 64 bytes "
                            + "(user config wasm.max-module-bytes)",
                    loadError(module, Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 64)));
        }
    }

    @Nested
    class Deadlines {

        private static final String LOOP = "(loop $forever (br $forever))";

        @Test
        void aStartFunctionThatLoopsFailsTheLoad() {
            byte[] module = Wat.longGuest("local.get $in", "(func $start " + LOOP + ") (start $start)");
            assertEquals(
                    "wasm module 'hostile.wasm': the start function timed out after 200 ms (user config wasm.timeout-ms)",
                    loadError(module, FAST));
        }

        @Test
        void anInitThatLoopsFailsTheLoad() {
            byte[] module = Wat.longGuest("local.get $in", "(func (export \"init\") " + LOOP + ")");
            assertEquals(
                    "wasm module 'hostile.wasm': export 'init' timed out after 200 ms (user config wasm.timeout-ms)",
                    loadError(module, FAST));
        }

        @Test
        void anAllocThatLoopsTimesOutTheMessage() {
            byte[] module = Wat.compile("""
                    (module (memory (export "memory") 1)
                      (func (export "alloc") (param i32) (result i32) (loop $forever (br $forever)) (i32.const 0))
                      (func (export "process") (param i32 i32) (result i32) (i32.const 0)))""");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance()) {
                WasmTimeoutException error =
                        assertThrows(WasmTimeoutException.class, () -> guest.process(new byte[] {1}));
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                        error.getMessage());
            }
        }

        @Test
        void aProcessThatLoopsTimesOutEveryTime() {
            byte[] module = Wat.longGuest(LOOP + " (i64.const 0)", "");
            try (WasmLoader loader = load(module, FAST);
                    WasmSession session = new WasmSession(loader, new TestHost())) {
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    WasmTimeoutException error = assertThrows(WasmTimeoutException.class, () -> session.process(1L));
                    assertEquals(
                            "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config "
                                    + "wasm.timeout-ms)",
                            error.getMessage());
                    // the documented bound: the deadline plus the watchdog's tick and the unwinding, far below this
                    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
                }
            }
        }

        @Test
        void aCloseThatLoopsIsCutOff() {
            byte[] module = Wat.longGuest("local.get $in", "(func (export \"close\") " + LOOP + ")");
            try (WasmLoader loader = load(module, FAST)) {
                WasmInstance guest = loader.newInstance();
                assertEquals(5, guest.process(5L));
                WasmTimeoutException error = assertThrows(WasmTimeoutException.class, guest::close);
                assertEquals(
                        "wasm module 'hostile.wasm': export 'close' timed out after 200 ms (user config wasm.timeout-ms)",
                        error.getMessage());
                assertThrows(IllegalStateException.class, () -> guest.process(1L));
            }
        }

        @Test
        void deepRecursionTrapsWithoutTakingTheThread() {
            byte[] module = Wat.compile("""
                    (module (func $down (export "process") (param i64) (result i64)
                      (i64.add (i64.const 1) (call $down (local.get 0)))))""");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' trapped: call stack exhausted",
                        processError(guest));
            }
        }

        @Test
        void aStateReadThatNeverAnswersTimesOut() {
            byte[] module = Wat.longGuest("(drop (call $state_get (i32.const 0) (i32.const 1))) (i64.const 0)", "");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                        processError(guest));
            }
        }

        @Test
        void aCounterReadAfterAnUnansweredWriteTimesOut() {
            byte[] module = Wat.longGuest("""
                    (call $counter_incr (i32.const 0) (i32.const 1) (i64.const 1))
                    (call $counter_get (i32.const 0) (i32.const 1))""", "");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                        processError(guest));
            }
        }

        @Test
        void anUnacknowledgedPublishTimesOutTheLongPath() {
            byte[] module = Wat.longGuest("""
                    (call $publish (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (i64.const 0)""", "(data (i32.const 0) \"side\")");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                        processError(guest));
            }
        }

        @Test
        void aMessageFailedAtItsDeadlineLeavesItsWritesToTheHost() throws Exception {
            byte[] module = Wat.bytesGuest("""
                    (call $publish (i32.const 0) (i32.const 4) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (i32.const 0)""", "(data (i32.const 0) \"side\")");
            Map<String, CompletableFuture<Object>> sends = new java.util.concurrent.ConcurrentHashMap<>();
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(heldPublishes(sends))) {
                CompletableFuture<byte[]> stored = guest.process(new byte[] {7}).stored();
                assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
                // the message failed; the send is the producer's, which may still store it
                assertFalse(sends.get("side").isDone());
            }
        }

        @Test
        void aMessageWhoseWritesFailIsFailedByTheFirstOfThemInTheOrderTheyWereMade() throws Exception {
            byte[] module = Wat.bytesGuest("""
                    (call $publish (i32.const 0) (i32.const 1) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (call $publish (i32.const 1) (i32.const 1) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (i32.const 0)""", "(data (i32.const 0) \"ab\")");
            Map<String, CompletableFuture<Object>> sends = new java.util.concurrent.ConcurrentHashMap<>();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(heldPublishes(sends))) {
                CompletableFuture<byte[]> stored = guest.process(new byte[] {7}).stored();
                sends.get("b").completeExceptionally(new IllegalStateException("b is down"));
                assertFalse(stored.isDone());
                sends.get("a").completeExceptionally(new IllegalStateException("a is down"));
                ExecutionException failure =
                        assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
                assertEquals(
                        "wasm module 'hostile.wasm': pulsar.publish to 'a' failed: java.lang.IllegalStateException: a is down",
                        failure.getCause().getMessage());
            }
        }

        /** A host whose publishes complete when the test says, each topic's send in {@code sends}. */
        private static Host heldPublishes(Map<String, CompletableFuture<Object>> sends) {
            TestHost delegate = new TestHost();
            return (Host) Proxy.newProxyInstance(
                    Host.class.getClassLoader(), new Class<?>[] {Host.class}, (proxy, method, args) -> {
                        if (method.getName().equals("publish")) {
                            return sends.computeIfAbsent((String) args[0], topic -> new CompletableFuture<>());
                        }
                        try {
                            return method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Test
        void anUnacknowledgedPublishFailsTheBytesMessageAfterTheDeadline() {
            byte[] module = Wat.bytesGuest("""
                    (call $publish (i32.const 0) (i32.const 4) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (i32.const 0)""", "(data (i32.const 0) \"side\")");
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                CompletableFuture<byte[]> stored = guest.process(new byte[] {7}).stored();
                ExecutionException failure =
                        assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
                assertEquals(
                        "wasm module 'hostile.wasm': the writes of export 'process' were not stored within 200 ms "
                                + "(user config wasm.timeout-ms)",
                        failure.getCause().getMessage());
            }
        }

        @Test
        @Timeout(value = 30, unit = TimeUnit.SECONDS)
        void aReleasedInstanceStillFailsItsUnstoredWritesAfterTheDeadline() throws Exception {
            byte[] module = Wat.bytesGuest("""
                    (call $publish (i32.const 0) (i32.const 4) (local.get $ptr) (local.get $len) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))
                    (i32.const 0)""", "(data (i32.const 0) \"side\")");
            CompletableFuture<byte[]> stored;
            try (WasmLoader loader = load(module, FAST);
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                stored = guest.process(new byte[] {7}).stored();
                guest.discard();
            }
            ExecutionException failure = assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
            assertEquals(
                    "wasm module 'hostile.wasm': the writes of export 'process' were not stored within 200 ms "
                            + "(user config wasm.timeout-ms)",
                    failure.getCause().getMessage());
        }
    }

    @Nested
    class HostBuffers {

        @Test
        void logBytesPerCallAreBoundedAndSaySoOnce() {
            byte[] module = Wat.longGuest(
                    loop(1000, "(call $log (i32.const 2) (i32.const 0) (i32.const 8192))") + " (i64.const 0)", "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                List<String> lines = host.logLines();
                assertEquals(128, lines.size()); // 127 lines of 8 KiB and 64 bytes of framing each fit in 1 MiB
                assertEquals("INFO " + "\0".repeat(8192), lines.get(126));
                assertEquals(
                        "WARN pulsar-wasm: wasm module 'hostile.wasm' logged more than the limit of 1048576 bytes "
                                + "(user config wasm.max-log-bytes-per-call) in one call; its further lines in this call are dropped",
                        lines.get(127));
                guest.process(0L);
                assertEquals(256, host.logLines().size());
            }
        }

        @Test
        void aLongLogLineIsCutAndSaysSo() {
            byte[] module = Wat.longGuest(
                    "(memory.fill (i32.const 0) (i32.const 97) (i32.const 100000)) "
                            + "(call $log (i32.const 2) (i32.const 0) (i32.const 100000)) (i64.const 0)",
                    "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                assertEquals(
                        List.of("INFO " + "a".repeat(8192) + " [pulsar-wasm: a line of 100000 bytes, cut to the limit "
                                + "of 8192 bytes (user config wasm.max-log-line-bytes)]"),
                        host.logLines());
            }
        }

        @Test
        void aLogLineIsCutOnACharacterBoundary() {
            byte[] module = Wat.longGuest(
                    loop(5000, "(i32.store16 (i32.mul (local.get $i) (i32.const 2)) (i32.const 0xA9C3))")
                            + " (call $log (i32.const 2) (i32.const 0) (i32.const 10000)) (i64.const 0)",
                    "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_LOG_LINE_BYTES, 101));
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                assertEquals(
                        List.of("INFO " + "\u00e9".repeat(50)
                                + " [pulsar-wasm: a line of 10000 bytes, cut to the limit "
                                + "of 101 bytes (user config wasm.max-log-line-bytes)]"),
                        host.logLines());
            }
        }

        @Test
        void aLogLineOutsideMemoryIsRefused() {
            byte[] module = Wat.longGuest("(call $log (i32.const 2) (i32.const 0) (i32.const -1)) (i64.const 0)", "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(
                        hostCallFailure("log", "guest range [0, 4294967295) is outside guest memory of 131072 bytes"),
                        processError(guest));
            }
        }

        @Test
        void distinctMetricNamesAreCapped() {
            byte[] module = Wat.longGuest(loop(101, """
                    (i32.store8 (i32.const 100) (i32.add (i32.const 64) (i32.rem_u (local.get $i) (i32.const 64))))
                    (i32.store8 (i32.const 101) (i32.add (i32.const 64) (i32.div_u (local.get $i) (i32.const 64))))
                    (call $record_metric (i32.const 100) (i32.const 2) (f64.const 1))""") + " (i64.const 0)", "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "record_metric",
                                "metric 'dA' would be distinct metric name 101 of this "
                                        + "function instance, more than the limit of 100 metric names (user config wasm.max-metric-names)"),
                        processError(guest));
                assertEquals(100, host.metrics().size());
            }
        }

        @Test
        void emptyLogLinesAreNotFree() {
            byte[] module = Wat.longGuest(
                    loop(100_000, "(call $log (i32.const 2) (i32.const 0) (i32.const 0))") + " (i64.const 0)", "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                assertEquals(16384 + 1, host.logLines().size()); // 1 MiB / 64 bytes of framing per line, and the note
            }
        }

        @Test
        void aLongErrorTextIsCutLikeALogLine() {
            byte[] module = Wat.bytesGuest(
                    "(memory.fill (i32.const 0) (i32.const 120) (i32.const 100000)) "
                            + "(call $set_error (i32.const 0) (i32.const 100000)) (i32.const 1)",
                    "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                GuestErrorException error = assertThrows(GuestErrorException.class, () -> guest.process(new byte[1]));
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' returned status 1: " + "x".repeat(8192),
                        error.getMessage());
            }
        }

        @Test
        void metricNamesAreCountedAcrossReplacedInstances() {
            byte[] module = Wat.longGuest("""
                    (i32.store8 (i32.const 100) (i32.add (i32.const 64) (i32.wrap_i64 (local.get $in))))
                    (call $record_metric (i32.const 100) (i32.const 1) (f64.const 1))
                    (if (i64.eq (local.get $in) (i64.const 0)) (then unreachable))
                    (i64.const 0)""", "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_METRIC_NAMES, 2));
                    WasmSession session = new WasmSession(loader, host)) {
                assertEquals(0L, session.process(1L)); // 'A'
                assertThrows(
                        WasmExecutionException.class, () -> session.process(0L)); // '@', then a trap: a fresh instance
                WasmExecutionException error = assertThrows(WasmExecutionException.class, () -> session.process(2L));
                assertEquals(
                        hostCallFailure(
                                "record_metric",
                                "metric 'B' would be distinct metric name 3 of this function "
                                        + "instance, more than the limit of 2 metric names (user config wasm.max-metric-names)"),
                        error.getMessage());
            }
        }

        @Test
        void distinctPublishTopicsAreCapped() {
            byte[] module = Wat.longGuest(loop(101, """
                    (i32.store8 (i32.const 100) (i32.add (i32.const 64) (i32.rem_u (local.get $i) (i32.const 64))))
                    (i32.store8 (i32.const 101) (i32.add (i32.const 64) (i32.div_u (local.get $i) (i32.const 64))))
                    (call $publish (i32.const 100) (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))""") + " (i64.const 0)", "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "publish",
                                "topic 'dA' would be distinct topic 101 of this function instance, "
                                        + "more than the limit of 100 topics (user config wasm.max-publish-topics)"),
                        processError(guest));
                assertEquals(100, host.published().size());
            }
        }

        @Test
        void aTopicRewrittenInPlaceIsTheNewTopicAndCountsAsOne() {
            // the same address and length each time, the byte between the publishes rewritten: 'A', 'B', 'A'
            String publish = """
                    (call $publish (i32.const 100) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const -1)
                      (i32.const 0) (i32.const 0))""";
            byte[] module = Wat.longGuest(
                    "(i32.store8 (i32.const 100) (i32.const 65))" + publish
                            + "(i32.store8 (i32.const 100) (i32.const 66))" + publish
                            + "(i32.store8 (i32.const 100) (i32.const 65))" + publish + " (i64.const 0)",
                    "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_PUBLISH_TOPICS, 2));
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(0L, guest.process(0L));
                assertEquals(
                        List.of("A", "B", "A"),
                        host.published().stream().map(TestHost.Published::topic).toList());
            }
            TestHost capped = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_PUBLISH_TOPICS, 1));
                    WasmInstance guest = loader.newInstance(capped)) {
                assertEquals(
                        hostCallFailure(
                                "publish",
                                "topic 'B' would be distinct topic 2 of this function instance, "
                                        + "more than the limit of 1 topics (user config wasm.max-publish-topics)"),
                        processError(guest));
                assertEquals(
                        List.of("A"),
                        capped.published().stream()
                                .map(TestHost.Published::topic)
                                .toList());
            }
        }

        @Test
        void oneMetricNameRecordedOftenIsFine() {
            byte[] module = Wat.longGuest(
                    loop(10_000, "(call $record_metric (i32.const 0) (i32.const 1) (f64.const 2))") + " (i64.const 0)",
                    "(data (i32.const 0) \"m\")");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                assertEquals(
                        Map.of("m", 10_000), Map.of("m", host.metrics().get("m").size()));
            }
        }

        @Test
        void aLongMetricNameIsRefused() {
            byte[] module = Wat.longGuest(
                    "(call $record_metric (i32.const 0) (i32.const 2000) (f64.const 1)) (i64.const 0)", "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(
                        hostCallFailure(
                                "record_metric",
                                "a key of 2000 bytes is more than the limit of 1024 bytes (user config wasm.max-key-bytes)"),
                        processError(guest));
            }
        }

        private static final String PUBLISH =
                "(call $publish (i32.const 0) (i32.const 4) (i32.const 16) (i32.const %d) "
                        + "(i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0))";

        @Test
        void publishesPerCallAreCapped() {
            byte[] module =
                    Wat.longGuest(loop(1001, PUBLISH.formatted(3)) + " (i64.const 0)", "(data (i32.const 0) \"side\")");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "publish",
                                "more than the limit of 1000 writes (user config wasm.max-writes-per-call) in one call"),
                        processError(guest));
                assertEquals(1000, host.published().size());
            }
        }

        @Test
        void theWriteBudgetStartsAgainEveryCall() {
            byte[] module =
                    Wat.longGuest(loop(600, PUBLISH.formatted(3)) + " (i64.const 0)", "(data (i32.const 0) \"side\")");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                guest.process(0L);
                assertEquals(1200, host.published().size());
            }
        }

        @Test
        void publishedBytesPerCallAreCapped() {
            byte[] module = Wat.longGuest(
                    PUBLISH.formatted(600) + " " + PUBLISH.formatted(600) + " (i64.const 0)",
                    "(data (i32.const 0) \"side\")");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_WRITE_BYTES_PER_CALL, 1000));
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "publish",
                                "1200 bytes written in one call, more than the limit of 1000 bytes "
                                        + "(user config wasm.max-write-bytes-per-call)"),
                        processError(guest));
                assertEquals(1, host.published().size());
            }
        }

        @Test
        void aLongTopicIsRefused() {
            byte[] module = Wat.longGuest(
                    "(call $publish (i32.const 0) (i32.const 2000) (i32.const 0) (i32.const 1) "
                            + "(i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0)) (i64.const 0)",
                    "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(
                        hostCallFailure(
                                "publish",
                                "a topic of 2000 bytes is more than the limit of 1024 bytes (user config wasm.max-key-bytes)"),
                        processError(guest));
            }
        }

        @Test
        void counterIncrementsPerCallAreCapped() {
            byte[] module = Wat.longGuest(
                    loop(2000, "(call $counter_incr (i32.const 0) (i32.const 1) (i64.const 1))") + " (i64.const 0)",
                    "(data (i32.const 0) \"c\")");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "counter_incr",
                                "more than the limit of 1000 writes (user config wasm.max-writes-per-call) in one call"),
                        processError(guest));
                assertEquals(Map.of("c", 1000L), host.counters());
            }
        }

        @Test
        void unstoredStateWritesDoNotPileUpAcrossCalls() {
            byte[] module = Wat.bytesGuest(
                    "(call $counter_incr (i32.const 0) (i32.const 1) (i64.const 1)) (i32.const 0)",
                    "(data (i32.const 0) \"c\")");
            try (WasmLoader loader = load(module, FAST.with(Limit.MAX_WRITES_PER_CALL, 3));
                    WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
                for (int i = 0; i < 3; i++) {
                    guest.process(new byte[1]); // each message's write hangs, and fails it after the deadline
                }
                // the fourth waits for the oldest to be stored, which never comes: the deadline ends the wait
                WasmTimeoutException error = assertThrows(WasmTimeoutException.class, () -> guest.process(new byte[1]));
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                        error.getMessage());
            }
        }

        @Test
        void aSlowStoreMakesTheGuestWaitInsteadOfFailingTheMessage() throws Exception {
            byte[] module = Wat.bytesGuest(
                    "(call $counter_incr (i32.const 0) (i32.const 1) (i64.const 1)) (i32.const 0)",
                    "(data (i32.const 0) \"c\")");
            List<CompletableFuture<Void>> unstored = new java.util.concurrent.CopyOnWriteArrayList<>();
            TestHost delegate = new TestHost();
            Host slowStore = (Host) Proxy.newProxyInstance(
                    Host.class.getClassLoader(), new Class<?>[] {Host.class}, (proxy, method, args) -> {
                        if (method.getName().equals("counterIncr")) {
                            CompletableFuture<Void> write = new CompletableFuture<>();
                            unstored.add(write);
                            return write;
                        }
                        try {
                            return method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_WRITES_PER_CALL, 3));
                    WasmInstance guest = loader.newInstance(slowStore)) {
                for (int i = 0; i < 3; i++) {
                    guest.process(new byte[1]);
                }
                // the fourth message waits for the oldest write; once the store answers it, the guest goes on
                Future<Invocation> fourth = caller.submit(() -> guest.process(new byte[1]));
                org.awaitility.Awaitility.await()
                        .during(java.time.Duration.ofMillis(300))
                        .atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> !fourth.isDone());
                unstored.get(0).complete(null);
                fourth.get(10, TimeUnit.SECONDS);
                assertEquals(4, unstored.size());
            } finally {
                caller.shutdownNow();
            }
        }

        @Test
        void aLargeStateValueIsRefused() {
            byte[] module = Wat.longGuest(
                    "(call $state_put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 2097152)) "
                            + "(i64.const 0)",
                    "");
            TestHost host = new TestHost();
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "state_put",
                                "a value of 2097152 bytes is more than the limit of 1048576 bytes (user config wasm.max-state-value-bytes)"),
                        processError(guest));
                assertEquals(Map.of(), host.state());
            }
        }

        @Test
        void aLongStateKeyIsRefused() {
            byte[] module = Wat.longGuest(
                    "(call $state_put (i32.const 0) (i32.const 2000) (i32.const 0) (i32.const 1)) " + "(i64.const 0)",
                    "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS);
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(
                        hostCallFailure(
                                "state_put",
                                "a key of 2000 bytes is more than the limit of 1024 bytes (user config wasm.max-key-bytes)"),
                        processError(guest));
            }
        }

        @Test
        void aLargeOutputIsRefused() {
            byte[] module = Wat.bytesGuest("(call $set_output (i32.const 0) (i32.const 100)) (i32.const 0)", "");
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_OUTPUT_BYTES, 10));
                    WasmInstance guest = loader.newInstance()) {
                WasmExecutionException error =
                        assertThrows(WasmExecutionException.class, () -> guest.process(new byte[1]));
                assertEquals(
                        hostCallFailure(
                                "set_output",
                                "an output of 100 bytes is more than the limit of 10 bytes (user config wasm.max-output-bytes)"),
                        error.getMessage());
            }
        }

        @Test
        void aLargeStateValueIsNotHandedToTheGuest() {
            byte[] module = Wat.longGuest(
                    "(i64.shr_u (call $state_get (i32.const 0) (i32.const 1)) (i64.const 32))",
                    "(data (i32.const 0) \"k\")");
            TestHost host = new TestHost();
            host.statePut("k", new byte[100]);
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_HOST_DATA_BYTES, 50));
                    WasmInstance guest = loader.newInstance(host)) {
                assertEquals(
                        hostCallFailure(
                                "state_get",
                                "the value is 100 bytes, more than the limit of 50 bytes a host "
                                        + "call returns (user config wasm.max-host-data-bytes)"),
                        processError(guest));
            }
        }
    }

    @Nested
    class ErrorsFromTheJvm {

        /** A host whose {@code log} throws what the JVM might throw while a guest runs. */
        private static Host throwingOnLog(TestHost delegate, Error error) {
            return (Host) Proxy.newProxyInstance(
                    Host.class.getClassLoader(), new Class<?>[] {Host.class}, (proxy, method, args) -> {
                        if (method.getName().equals("log")
                                && String.valueOf(args[1]).startsWith("boom")) {
                            throw error;
                        }
                        try {
                            return method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private static final String LOG_BOOM = "(if (i64.eq (local.get $in) (i64.const 1)) (then "
                + "(call $log (i32.const 2) (i32.const 0) (i32.const 4)))) "
                + "(if (i64.eq (local.get $in) (i64.const 2)) (then (loop $forever (br $forever)))) (local.get $in)";

        @Test
        void outOfMemoryWhileAGuestRunsFailsTheMessageAndDiscardsTheInstance() {
            byte[] module = Wat.longGuest(LOG_BOOM, "(data (i32.const 0) \"boom\")");
            TestHost delegate = new TestHost();
            try (WasmLoader loader = load(module, FAST);
                    WasmSession session =
                            new WasmSession(loader, throwingOnLog(delegate, new OutOfMemoryError("simulated")))) {
                WasmExecutionException error = assertThrows(WasmExecutionException.class, () -> session.process(1L));
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' failed: the JVM ran out of memory while it ran "
                                + "(simulated)",
                        error.getMessage());
                assertEquals(List.of(1.0), delegate.metrics().get(WasmSession.RECYCLES_METRIC));
                assertEquals(5L, session.process(5L));
                // the watchdog still enforces deadlines afterwards
                assertThrows(WasmTimeoutException.class, () -> session.process(2L));
            }
        }

        @Test
        void stackOverflowInTheHostIsATrap() {
            byte[] module = Wat.longGuest(LOG_BOOM, "(data (i32.const 0) \"boom\")");
            TestHost delegate = new TestHost();
            try (WasmLoader loader = load(module, FAST);
                    WasmSession session = new WasmSession(loader, throwingOnLog(delegate, new StackOverflowError()))) {
                WasmExecutionException error = assertThrows(WasmExecutionException.class, () -> session.process(1L));
                assertEquals(
                        "wasm module 'hostile.wasm': export 'process' trapped: call stack exhausted",
                        error.getMessage());
                assertEquals(7L, session.process(7L));
            }
        }

        @Test
        void aSessionUsedFromTwoThreadsAtOnceSaysSo() throws Exception {
            byte[] module = Wat.longGuest(LOG_BOOM, "(data (i32.const 0) \"boom\")");
            try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.TIMEOUT_MS, 2000));
                    WasmSession session = new WasmSession(loader, new TestHost())) {
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<String> attempt = () -> {
                    start.await();
                    try {
                        session.process(2L);
                        return "returned";
                    } catch (RuntimeException e) {
                        return e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                };
                ExecutorService threads = Executors.newFixedThreadPool(2);
                try {
                    List<String> outcomes = new ArrayList<>();
                    for (Future<String> outcome : threads.invokeAll(List.of(attempt, attempt), 20, TimeUnit.SECONDS)) {
                        outcomes.add(outcome.get());
                    }
                    outcomes.sort(null);
                    assertEquals(
                            List.of(
                                    "IllegalStateException: wasm module 'hostile.wasm' was called from two threads at "
                                            + "once: a wasm function object serves one thread, as Pulsar runs each function instance; make one "
                                            + "function object per thread",
                                    "WasmTimeoutException: wasm module 'hostile.wasm': export 'process' "
                                            + "timed out after 2000 ms (user config wasm.timeout-ms)"),
                            outcomes);
                } finally {
                    threads.shutdownNow();
                }
            }
        }
    }

    @Nested
    class WasiDirectories {

        @TempDir
        Path dir;

        private static final String OPEN_FILES = """
                (module
                  (import "wasi_snapshot_preview1" "path_open"
                    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (data (i32.const 200) "f")
                  (func (export "process") (param i64) (result i64) (local $i i32) (local $opened i64)
                    (loop $l
                      (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 1) (i32.const 0)
                                     (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 300)))
                        (then (local.set $opened (i64.add (local.get $opened) (i64.const 1)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
                    (local.get $opened)))""";

        private String mountError(Path hostDirectory, boolean writable, Limits limits) {
            WasiConfig wasi = new WasiConfig(
                    true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(hostDirectory, writable)));
            return assertThrows(WasmLoadException.class, () -> {
                        try (WasmLoader loader =
                                WasmLoader.fromBytes(NAME, Wat.compile(OPEN_FILES), new Sandbox(limits, wasi))) {
                            loader.newInstance().close();
                        }
                    })
                    .getMessage();
        }

        private String holds(Path hostDirectory, String what, Path file) throws IOException {
            return "user config wasm.wasi.dirs: host directory '" + hostDirectory + "' (guest path '/data') holds "
                    + what
                    + ", '" + file.toRealPath(java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    + "'; a WASI directory may hold only"
                    + " regular files and directories, so that the guest sees nothing outside it";
        }

        @ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
        void aSymbolicLinkLeadingOutIsRefused(boolean writable) throws IOException {
            Path outside = Files.writeString(Files.createTempFile("secret", ".txt"), "secret");
            Path mounted = Files.createDirectories(dir.resolve("mounted/sub"));
            Path link = Files.createSymbolicLink(mounted.resolve("link"), outside);
            assertEquals(
                    holds(dir.resolve("mounted"), "a symbolic link", link),
                    mountError(dir.resolve("mounted"), writable, Limits.DEFAULTS));
            Files.delete(outside);
        }

        @Test
        void aSymbolicLinkToADeviceIsRefused() throws IOException {
            Path link = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
            assertEquals(holds(dir, "a symbolic link", link), mountError(dir, false, Limits.DEFAULTS));
        }

        @Test
        void aSpecialFileIsRefused() throws Exception {
            Path fifo = dir.resolve("fifo");
            assertEquals(
                    0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            assertEquals(holds(dir, "a special file", fifo), mountError(dir, true, Limits.DEFAULTS));
        }

        @Test
        void aMissingDirectoryNamesTheKey() {
            assertEquals(
                    "user config wasm.wasi.dirs: host directory '" + dir.resolve("missing") + "' (guest path '/data') "
                            + "does not exist",
                    mountError(dir.resolve("missing"), false, Limits.DEFAULTS));
        }

        @Test
        void aFileInsteadOfADirectoryNamesTheKey() throws IOException {
            Path file = Files.writeString(dir.resolve("file"), "x");
            assertEquals(
                    "user config wasm.wasi.dirs: host directory '" + file + "' (guest path '/data') is not a directory",
                    mountError(file, false, Limits.DEFAULTS));
        }

        @Test
        void aCopyLargerThanTheFileSystemLimitIsRefused() throws IOException {
            Files.write(dir.resolve("big"), new byte[100_000]);
            String error = mountError(dir, false, Limits.DEFAULTS.with(Limit.WASI_MAX_FS_BYTES, 65536));
            assertTrue(
                    error.startsWith("user config wasm.wasi.dirs: host directory '" + dir
                            + "' (guest path '/data') cannot be copied for the guest ("),
                    error);
            assertTrue(
                    error.endsWith("); its private copy may hold at most the limit of 65536 bytes (user config "
                            + "wasm.wasi.max-fs-bytes)"),
                    error);
        }

        @Test
        void openFilesAreCapped() throws IOException {
            Files.writeString(dir.resolve("f"), "x");
            WasiConfig wasi =
                    new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
            try (WasmLoader loader =
                            WasmLoader.fromBytes(NAME, Wat.compile(OPEN_FILES), new Sandbox(Limits.DEFAULTS, wasi));
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(64, guest.process(0L));
            }
        }

        @Test
        void renumberingADescriptorOntoItselfDoesNotFreeASlot() throws IOException {
            Files.writeString(dir.resolve("f"), "x");
            String module = OPEN_FILES.replace("""
                  (memory (export "memory") 1)""", """
                  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
                  (memory (export "memory") 1)""").replace("""
                    (loop $l""", """
                    (loop $l
                      (if (i32.ge_u (local.get $i) (i32.const 50))
                        (then (drop (call $fd_renumber (i32.load (i32.const 300)) (i32.load (i32.const 300))))))""");
            WasiConfig wasi =
                    new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
            try (WasmLoader loader =
                            WasmLoader.fromBytes(NAME, Wat.compile(module), new Sandbox(Limits.DEFAULTS, wasi));
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(64, guest.process(0L));
            }
        }

        private static final String MKDIR = """
                (module
                  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (func (export "process") (param $length i64) (result i64) (local $i i32) (local $made i64)
                    (if (i64.ne (local.get $length) (i64.const 0))
                      (then (return (i64.extend_i32_u
                        (call $mkdir (i32.const 3) (i32.const 100) (i32.wrap_i64 (local.get $length)))))))
                    (loop $l
                      (i32.store8 (i32.const 100) (i32.add (i32.const 65) (i32.rem_u (local.get $i) (i32.const 26))))
                      (i32.store8 (i32.const 101)
                        (i32.add (i32.const 65) (i32.rem_u (i32.div_u (local.get $i) (i32.const 26)) (i32.const 26))))
                      (i32.store8 (i32.const 102) (i32.add (i32.const 65) (i32.div_u (local.get $i) (i32.const 676))))
                      (if (i32.eqz (call $mkdir (i32.const 3) (i32.const 100) (i32.const 3)))
                        (then (local.set $made (i64.add (local.get $made) (i64.const 1)))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
                    (local.get $made)))""";

        @Test
        void filesAndDirectoriesInTheCopyAreCapped() throws IOException {
            Files.writeString(dir.resolve("f"), "x");
            WasiConfig wasi =
                    new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
            try (WasmLoader loader = WasmLoader.fromBytes(
                            NAME,
                            Wat.compile(MKDIR),
                            new Sandbox(Limits.DEFAULTS.with(Limit.WASI_MAX_FILES, 100), wasi));
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(98, guest.process(0L)); // the copy's root and its file take two of the 100
                assertEquals(0, guest.process(0L));
            }
        }

        @Test
        void aLongPathIsRefused() {
            WasiConfig wasi =
                    new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
            try (WasmLoader loader =
                            WasmLoader.fromBytes(NAME, Wat.compile(MKDIR), new Sandbox(Limits.DEFAULTS, wasi));
                    WasmInstance guest = loader.newInstance()) {
                assertEquals(37, guest.process(2000L)); // ENAMETOOLONG: longer than wasm.max-key-bytes
            }
        }

        @Test
        void standardOutputWithoutANewlineIsHeldToOneLine() {
            byte[] module = Wat.compile("""
                    (module
                      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                      (memory (export "memory") 2)
                      (func (export "process") (param i64) (result i64) (local $i i32)
                        (memory.fill (i32.const 1024) (i32.const 97) (i32.const 65536))
                        (i32.store (i32.const 400) (i32.const 1024)) (i32.store (i32.const 404) (i32.const 65536))
                        (loop $l
                          (drop (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 408)))
                          (local.set $i (i32.add (local.get $i) (i32.const 1)))
                          (br_if $l (i32.lt_u (local.get $i) (i32.const 160))))
                        (i32.store8 (i32.const 500) (i32.const 10))
                        (i32.store (i32.const 410) (i32.const 500)) (i32.store (i32.const 414) (i32.const 1))
                        (drop (call $fd_write (i32.const 1) (i32.const 410) (i32.const 1) (i32.const 408)))
                        (i64.const 0)))""");
            TestHost host = new TestHost();
            WasiConfig wasi = new WasiConfig(true, Map.of(), List.of(), Map.of());
            try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, wasi));
                    WasmInstance guest = loader.newInstance(host)) {
                guest.process(0L);
                assertEquals(
                        List.of("INFO " + "a".repeat(8192)
                                + " [pulsar-wasm: a line of 10485760 bytes, cut to the limit "
                                + "of 8192 bytes (user config wasm.max-log-line-bytes)]"),
                        host.logLines());
            }
        }
    }

    @Nested
    class Configuration {

        private String configError(Map<String, Object> userConfig) {
            return assertThrows(IllegalArgumentException.class, () -> WasmConfig.parse(userConfig))
                    .getMessage();
        }

        private String moduleError(String location, Limits limits) {
            return assertThrows(
                            WasmLoadException.class,
                            () -> WasmLoader.fromLocation(
                                            location, getClass().getClassLoader(), new Sandbox(limits, WasiConfig.OFF))
                                    .close())
                    .getMessage();
        }

        @Test
        void anUnknownKeyNamesTheNearestOne() {
            assertTrue(
                    configError(Map.of("wasm.max-memory-page", 1.0))
                            .startsWith(
                                    "unknown user config key 'wasm.max-memory-page'; did you mean 'wasm.max-memory-pages'? (the wasm.* keys are "));
        }

        @Test
        void aHugeTimeoutNamesTheRange() {
            assertEquals(
                    "user config wasm.timeout-ms must be a whole number from 1 to 3600000, got '10000000000000'",
                    configError(Map.of("wasm.timeout-ms", 1e13)));
        }

        @Test
        void zeroMemoryNamesTheRange() {
            assertEquals(
                    "user config wasm.max-memory-pages must be a whole number from 1 to 32767, got '0'",
                    configError(Map.of("wasm.max-memory-pages", 0.0)));
        }

        @Test
        void aWordForANumberNamesTheRange() {
            assertEquals(
                    "user config wasm.max-log-line-bytes must be a whole number from 16 to 16777216, got 'lots'",
                    configError(Map.of("wasm.max-log-line-bytes", "lots")));
        }

        @Test
        void aFractionNamesTheRange() {
            assertEquals(
                    "user config wasm.max-writes-per-call must be a whole number from 0 to 1000000, got '2.5'",
                    configError(Map.of("wasm.max-writes-per-call", 2.5)));
        }

        @Test
        void aWasiLimitWithoutWasiIsAMistake() {
            assertEquals(
                    "user config wasm.wasi.max-open-files is set but WASI is off; set wasm.wasi.enabled to true",
                    configError(Map.of("wasm.wasi.max-open-files", 8.0)));
        }

        @Test
        void everyLimitIsAKeyWithItsDefault() {
            Map<String, Object> config = new HashMap<>();
            for (Limit limit : Limit.values()) {
                config.put(limit.key(), (double) limit.defaultValue());
            }
            config.put(WasiConfig.ENABLED, true);
            assertEquals(Limits.DEFAULTS, WasmConfig.parse(config).sandbox().limits());
        }

        @Test
        void aDeviceAsModuleIsRefused() {
            assertEquals(
                    "wasm module file '/dev/zero' is not a regular file", moduleError("/dev/zero", Limits.DEFAULTS));
        }

        @Test
        void aDirectoryAsModuleIsRefused(@TempDir Path dir) {
            assertEquals(
                    "wasm module file '" + dir + "' is not a regular file",
                    moduleError(dir.toString(), Limits.DEFAULTS));
        }

        @Test
        void aMissingModuleFileIsNamed(@TempDir Path dir) {
            assertEquals(
                    "wasm module file '" + dir.resolve("none.wasm") + "' does not exist",
                    moduleError(dir.resolve("none.wasm").toUri().toString(), Limits.DEFAULTS));
        }

        @Test
        void aModuleFileOverTheSizeLimitIsReadNoFurther(@TempDir Path dir) throws IOException {
            Path big = Files.write(dir.resolve("big.wasm"), new byte[200_000]);
            assertEquals(
                    "wasm module file '" + big + "' is more than the limit of 100000 bytes (user config "
                            + "wasm.max-module-bytes)",
                    moduleError(big.toString(), Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 100_000)));
        }

        @Test
        void aServerThatNeverAnswersTimesOut() throws IOException {
            try (ServerSocket server = new ServerSocket(0)) {
                List<Socket> accepted = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        accepted.add(server.accept());
                    } catch (IOException e) {
                        // closed
                    }
                });
                acceptor.start();
                String url = "http://127.0.0.1:" + server.getLocalPort() + "/m.wasm";
                assertEquals(
                        "wasm module '" + url + "' could not be read within the limit of 300 ms (user config "
                                + "wasm.module-timeout-ms): Read timed out",
                        moduleError(url, Limits.DEFAULTS.with(Limit.MODULE_TIMEOUT_MS, 300)));
            }
        }

        @Test
        void aServerThatDripsTimesOut() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream body = exchange.getResponseBody()) {
                    for (int i = 0; i < 1000; i++) {
                        body.write(0);
                        body.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client went away
                }
            });
            server.start();
            try {
                String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/m.wasm";
                assertEquals(
                        "wasm module '" + url + "' could not be read within the limit of 300 ms (user config "
                                + "wasm.module-timeout-ms): read did not finish in time",
                        moduleError(url, Limits.DEFAULTS.with(Limit.MODULE_TIMEOUT_MS, 300)));
            } finally {
                server.stop(0);
            }
        }

        @Test
        void aServerSendingTooMuchIsCutOff() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream body = exchange.getResponseBody()) {
                    byte[] chunk = new byte[1 << 16];
                    for (int i = 0; i < 64; i++) {
                        body.write(chunk);
                    }
                } catch (IOException e) {
                    // the client went away
                }
            });
            server.start();
            try {
                String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/m.wasm";
                assertEquals(
                        "wasm module '" + url + "' is more than the limit of 1048576 bytes (user config "
                                + "wasm.max-module-bytes)",
                        moduleError(url, Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 1 << 20)));
            } finally {
                server.stop(0);
            }
        }
    }
}
