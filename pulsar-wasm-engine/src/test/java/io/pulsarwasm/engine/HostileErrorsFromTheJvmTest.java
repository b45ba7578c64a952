package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.FAST;
import static io.pulsarwasm.engine.Hostile.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.host.Host;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile errors from the JVM: what the JVM throws inside a guest call leaves the worker standing. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileErrorsFromTheJvmTest {

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
                    "wasm module 'hostile.wasm': export 'process' trapped: call stack exhausted", error.getMessage());
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
