package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.FAST;
import static io.pulsarwasm.engine.Hostile.hostCallFailure;
import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loop;
import static io.pulsarwasm.engine.Hostile.processError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.host.Host;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile host buffers: every buffer a guest can make the host fill, bounded. Each case asserts the
 * exact outcome; over 300 lines because there are 23 buffers, one case each.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileHostBuffersTest {

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
            assertThrows(WasmExecutionException.class, () -> session.process(0L)); // '@', then a trap: a fresh instance
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
                    capped.published().stream().map(TestHost.Published::topic).toList());
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
        byte[] module =
                Wat.longGuest("(call $record_metric (i32.const 0) (i32.const 2000) (f64.const 1)) (i64.const 0)", "");
        try (WasmLoader loader = load(module, Limits.DEFAULTS);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(
                    hostCallFailure(
                            "record_metric",
                            "a key of 2000 bytes is more than the limit of 1024 bytes (user config wasm.max-key-bytes)"),
                    processError(guest));
        }
    }

    private static final String PUBLISH = "(call $publish (i32.const 0) (i32.const 4) (i32.const 16) (i32.const %d) "
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
                "(call $state_put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 2097152)) " + "(i64.const 0)",
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
                "(call $state_put (i32.const 0) (i32.const 2000) (i32.const 0) (i32.const 1)) " + "(i64.const 0)", "");
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
            WasmExecutionException error = assertThrows(WasmExecutionException.class, () -> guest.process(new byte[1]));
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
