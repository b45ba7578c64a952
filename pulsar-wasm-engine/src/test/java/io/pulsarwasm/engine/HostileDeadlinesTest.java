package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.FAST;
import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loadError;
import static io.pulsarwasm.engine.Hostile.processError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.host.Host;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile deadlines: guests and hosts that never return, each stopped at wasm.timeout-ms. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileDeadlinesTest {

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
            WasmTimeoutException error = assertThrows(WasmTimeoutException.class, () -> guest.process(new byte[] {1}));
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
                    "wasm module 'hostile.wasm': export 'process' trapped: call stack exhausted", processError(guest));
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
            ExecutionException failure = assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
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
            ExecutionException failure = assertThrows(ExecutionException.class, () -> stored.get(10, TimeUnit.SECONDS));
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
