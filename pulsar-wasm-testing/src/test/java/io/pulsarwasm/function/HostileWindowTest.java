package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmTimeoutException;
import io.pulsarwasm.testing.InMemoryHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.functions.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window functions against hostile guests and hostile windows, under the module's capped heap
 * (-Xmx512m): a window function's path as Pulsar drives it ({@link WasmWindowFunction#window}, the
 * records Pulsar's windowing gives), what a failed window does to its records (each negatively
 * acknowledged once, none acknowledged), the two window bounds, a window beyond the guest's memory,
 * a window whose JavaScript form is six times its size, and a guest that never returns.
 */
@Timeout(120)
class HostileWindowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fails a window holding a record "bad"; else answers with the window's size. */
    private static final String MOODY = """
            export function process(records) {
              if (records.some((r) => r.text === 'bad')) { throw new Error('bad record'); }
              return String(records.length);
            }
            """;

    @TempDir
    Path dir;

    /** A record as Pulsar's windowing hands it over, counting its acknowledgements. */
    static class CountingRecord implements Record<byte[]> {
        final byte[] value;
        final String key;
        final Long eventTime;
        final Map<String, String> properties = new LinkedHashMap<>();
        int acks;
        int fails;

        CountingRecord(byte[] value, String key, Long eventTime) {
            this.value = value;
            this.key = key;
            this.eventTime = eventTime;
        }

        static CountingRecord of(String value) {
            return new CountingRecord(value.getBytes(StandardCharsets.UTF_8), null, null);
        }

        @Override
        public byte[] getValue() {
            return value;
        }

        @Override
        public Optional<String> getKey() {
            return Optional.ofNullable(key);
        }

        @Override
        public Optional<String> getTopicName() {
            return Optional.of("t");
        }

        @Override
        public Optional<Long> getEventTime() {
            return Optional.ofNullable(eventTime);
        }

        @Override
        public Map<String, String> getProperties() {
            return properties;
        }

        @Override
        public void ack() {
            acks++;
        }

        @Override
        public void fail() {
            fails++;
        }
    }

    private static WasmWindowFunction started(InMemoryHost host, Map<String, Object> config) {
        WasmWindowFunction function = new WasmWindowFunction();
        config.forEach(host::userConfig);
        function.start(null, host.userConfig(), new WindowHost(host));
        return function;
    }

    private Path script(String name, String source) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, source);
        return path;
    }

    private static List<CountingRecord> records(int count, String value) {
        List<CountingRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(CountingRecord.of(value));
        }
        return records;
    }

    /**
     * Runs a window that must fail, as Pulsar runs it: from a list Pulsar acknowledges from once the
     * window returns. Checks that it returns no output and leaves that list empty, that each record
     * was negatively acknowledged once and none acknowledged, and gives the error line it logged.
     */
    private static String failedWindow(InMemoryHost host, WasmWindowFunction function, List<CountingRecord> records) {
        List<CountingRecord> acknowledgedByPulsar = new ArrayList<>(records);
        assertEquals(null, function.window(acknowledgedByPulsar));
        assertEquals(List.of(), acknowledgedByPulsar, "nothing left for Pulsar to acknowledge");
        assertEquals(
                records.stream().map(r -> 1).toList(),
                records.stream().map(r -> r.fails).toList());
        assertEquals(
                records.stream().map(r -> 0).toList(),
                records.stream().map(r -> r.acks).toList());
        String logged = host.logLines().get(host.logLines().size() - 1);
        String prefix =
                "ERROR pulsar-wasm: a window of " + records.size() + " records failed, and each is delivered again: ";
        assertTrue(logged.startsWith(prefix), logged);
        return logged.substring(prefix.length());
    }

    /**
     * The function's context in an event-time test: the current record, an output topic, and sends
     * that succeed (each value kept) or fail, as {@code failSends} says at the time of sending.
     */
    private static final class EventTimeContext {
        CountingRecord current;
        boolean failSends;
        final List<String> sent = new ArrayList<>();
        final List<byte[]> sentBytes = new ArrayList<>();

        org.apache.pulsar.functions.api.Context proxy() {
            return (org.apache.pulsar.functions.api.Context) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {org.apache.pulsar.functions.api.Context.class},
                    (self, method, args) -> switch (method.getName()) {
                        case "getCurrentRecord" -> current;
                        case "getOutputTopic" -> "out";
                        case "newOutputMessage" -> builder();
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private Object builder() {
            Object[] value = new Object[1];
            return java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {org.apache.pulsar.client.api.TypedMessageBuilder.class},
                    (self, method, args) -> {
                        if (method.getName().equals("value")) {
                            value[0] = args[0];
                        }
                        if (!method.getName().equals("sendAsync")) {
                            return self;
                        }
                        if (failSends) {
                            return java.util.concurrent.CompletableFuture.failedFuture(
                                    new IllegalStateException("down"));
                        }
                        sent.add(new String((byte[]) value[0], StandardCharsets.UTF_8));
                        sentBytes.add((byte[]) value[0]);
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    });
        }

        CountingRecord send(WasmWindowFunction function, String value, long time) {
            return deliver(function, new CountingRecord(value.getBytes(StandardCharsets.UTF_8), null, time));
        }

        <R extends CountingRecord> R deliver(WasmWindowFunction function, R record) {
            current = record;
            function.process(record.value, proxy());
            return record;
        }
    }

    @Test
    void eventTimeWindowsFailTheRecordsOfAFailedWindowOrAFailedSendAndAcknowledgeTheRestOnce() throws IOException {
        Path moody = script("moody.js", MOODY);
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function =
                started(host, Map.of("wasm.module", "file://" + moody, "wasm.window.length-ms", 10.0));
        EventTimeContext context = new EventTimeContext();
        CountingRecord a = context.send(function, "a", 1);
        CountingRecord bad = context.send(function, "bad", 2);
        CountingRecord c = context.send(function, "c", 12);
        CountingRecord d = context.send(function, "d", 25); // closes [0, 10), which fails, and [10, 20)
        assertEquals(List.of("1"), context.sent);
        assertEquals(List.of(1, 1, 0, 0), List.of(a.fails, bad.fails, c.fails, d.fails));
        assertEquals(List.of(0, 0, 1, 0), List.of(a.acks, bad.acks, c.acks, d.acks));
        String logged = host.logLines().get(host.logLines().size() - 1);
        assertTrue(
                logged.startsWith("ERROR pulsar-wasm: the event-time window [0, 10) of 2 records failed, and each is "
                        + "delivered again once no window holds it: io.pulsarwasm.engine.GuestErrorException: "
                        + "JavaScript function 'moody.js': process threw Error: bad record"),
                logged);

        // the output of [20, 30) cannot be sent: its record fails, and is not acknowledged
        context.failSends = true;
        CountingRecord e = context.send(function, "e", 31);
        assertEquals(List.of(1, 0), List.of(d.fails, d.acks));
        context.failSends = false;
        context.send(function, "f", 45);
        assertEquals(List.of("1", "1"), context.sent);
        assertEquals(List.of(0, 1), List.of(e.fails, e.acks));

        IllegalArgumentException late = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> context.send(function, "g", 5));
        assertEquals(
                "late: event time 5 is not after the watermark 45, and every window holding it has closed (user "
                        + "config wasm.window.late-topic keeps late messages aside)",
                late.getMessage());
        // the late record is left to Pulsar, which fails it for the exception
        assertEquals(List.of(0, 0), List.of(context.current.acks, context.current.fails));
        function.close();
    }

    /** A record of a message with this id: delivered again, a new record of the same message. */
    static final class IdentifiedRecord extends CountingRecord {
        private final byte[] id;

        IdentifiedRecord(String value, long time, byte[] id) {
            super(value.getBytes(StandardCharsets.UTF_8), null, time);
            this.id = id;
        }

        @Override
        public Optional<org.apache.pulsar.client.api.Message<byte[]>> getMessage() {
            Object messageId = java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {org.apache.pulsar.client.api.MessageId.class},
                    (self, method, args) -> method.getName().equals("toByteArray") ? id.clone() : null);
            @SuppressWarnings("unchecked")
            org.apache.pulsar.client.api.Message<byte[]> message =
                    (org.apache.pulsar.client.api.Message<byte[]>) java.lang.reflect.Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {org.apache.pulsar.client.api.Message.class},
                            (self, method, args) -> switch (method.getName()) {
                                case "getMessageId" -> messageId;
                                case "getRedeliveryCount" -> 0;
                                default -> throw new UnsupportedOperationException(method.getName());
                            });
            return Optional.of(message);
        }
    }

    @Test
    void aFloodOfMegabyteMessagesThatCloseNoWindowIsHeldToTheWindowBytesUnderTheCappedHeap() throws IOException {
        // 2,000 messages of 1 MiB each (2 GiB, four times this JVM's heap), all within a day's lag:
        // the function holds at most wasm.max-window-bytes (4 MiB) of them and refuses the rest
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(
                host,
                Map.of(
                        "wasm.module",
                        "classpath:wasm/echo.wasm",
                        "wasm.window.length-ms",
                        1000.0,
                        "wasm.window.max-lag-ms",
                        86_400_000.0));
        EventTimeContext context = new EventTimeContext();
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            context.current = new CountingRecord(new byte[1 << 20], null, 1_000_000L + i);
            try {
                function.process(context.current.value, context.proxy());
            } catch (IllegalStateException full) {
                assertTrue(
                        full.getMessage().startsWith("the event-time windows hold 3 messages waiting"),
                        full.getMessage());
                refused++;
            }
        }
        assertEquals(1997, refused, "three 1 MiB messages (and their framing) fit in 4 MiB");
        assertEquals(List.of(), context.sent);
        function.close();
    }

    @Test
    void aMessageDeliveredAgainWhileItWaitsIsTakenOnceAndAcknowledgedOnce() throws IOException {
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function =
                started(host, Map.of("wasm.module", "classpath:wasm/echo.wasm", "wasm.window.length-ms", 10.0));
        EventTimeContext context = new EventTimeContext();
        IdentifiedRecord first = context.deliver(function, new IdentifiedRecord("a", 1, new byte[] {7}));
        IdentifiedRecord again = context.deliver(function, new IdentifiedRecord("a", 1, new byte[] {7}));
        IdentifiedRecord other = context.deliver(function, new IdentifiedRecord("b", 2, new byte[] {8}));
        context.send(function, "c", 15); // closes [0, 10)
        assertEquals(1, context.sent.size());
        // the echoed window input: two records, "a" once and "b"
        assertEquals(
                2,
                java.nio.ByteBuffer.wrap(context.sentBytes.get(0))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt(4));
        assertEquals(List.of(1, 0, 1), List.of(first.acks, again.acks, other.acks));
        assertEquals(List.of(0, 0, 0), List.of(first.fails, again.fails, other.fails));
        // once done, the same id is a new message again (a later delivery after its acknowledgement)
        IdentifiedRecord after = context.deliver(function, new IdentifiedRecord("a", 16, new byte[] {7}));
        context.send(function, "d", 30); // closes [10, 20): "c" and the new "a"
        assertEquals(
                2,
                java.nio.ByteBuffer.wrap(context.sentBytes.get(1))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt(4));
        assertEquals(1, after.acks);
        function.close();
    }

    @Test
    void theGuestGetsPulsarsRecordsByteForByte() {
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(host, Map.of("wasm.module", "classpath:wasm/echo.wasm"));
        CountingRecord record = new CountingRecord(new byte[] {'v'}, "k", 5L);
        record.properties.put("p", "q");
        byte[] echoed = function.window(List.of(record, CountingRecord.of("")));
        assertArrayEquals(
                HexFormat.of()
                        .parseHex("5057494e" + "02000000"
                                // flags key + event time + topic; "k"; 5; "t"; p=q; "v"
                                + "0b000000" + "01000000" + "6b" + "0500000000000000" + "01000000" + "74"
                                + "01000000" + "01000000" + "70" + "01000000" + "71" + "01000000" + "76"
                                // flags topic; "t"; no properties; an empty value
                                + "08000000" + "01000000" + "74" + "00000000" + "00000000"),
                echoed);
        assertEquals(0, record.fails);
        assertEquals(0, record.acks, "Pulsar acknowledges a window's records once its output is published");
        function.close();
    }

    @Test
    void aFailedWindowNegativelyAcknowledgesEachOfItsRecordsOnceAndTheNextWindowWorks() throws IOException {
        Path moody = script("moody.js", MOODY);
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(host, Map.of("wasm.module", "file://" + moody));
        String error = failedWindow(
                host, function, List.of(CountingRecord.of("a"), CountingRecord.of("bad"), CountingRecord.of("c")));
        assertTrue(
                error.startsWith("io.pulsarwasm.engine.GuestErrorException: JavaScript function 'moody.js': "
                        + "process threw Error: bad record"),
                error);
        // the next window is processed, and its list left to Pulsar to acknowledge
        List<CountingRecord> next = new ArrayList<>(records(2, "fine"));
        assertEquals("2", new String(function.window(next), StandardCharsets.UTF_8));
        assertEquals(2, next.size());
        assertEquals(List.of(0, 0), next.stream().map(r -> r.fails).toList());
        function.close();
    }

    @Test
    void aWindowOverItsLimitsFailsItsRecordsAndIsReportedAsALimit() throws IOException {
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(
                host,
                Map.of(
                        "wasm.module",
                        "classpath:wasm/echo.wasm",
                        "wasm.max-window-records",
                        3.0,
                        "wasm.max-window-bytes",
                        1000.0,
                        "wasm.failure-topic",
                        "failures"));
        assertEquals(
                "java.lang.IllegalArgumentException: a window of 4 records is more than the limit of 3 records "
                        + "(user config wasm.max-window-records); nothing was passed to the guest",
                failedWindow(host, function, records(4, "x")));
        assertEquals(
                "java.lang.IllegalArgumentException: a window of 1 records takes more than the limit of 1000 bytes "
                        + "(user config wasm.max-window-bytes) (over it by record 1); nothing was passed to the guest",
                failedWindow(host, function, records(1, "y".repeat(1000))));
        assertEquals(2, host.published().size());
        JsonNode first = JSON.readTree(host.published().get(0).value());
        assertEquals("failures", host.published().get(0).topic());
        assertEquals("limit", first.get("kind").asText());
        assertEquals("wasm.max-window-records", first.get("limit").asText());
        assertEquals(
                "wasm.max-window-bytes",
                JSON.readTree(host.published().get(1).value()).get("limit").asText());
        // three records fit, and echo back
        assertEquals(8 + 3 * 18, function.window(records(3, "z")).length);
        function.close();
    }

    @Test
    void aWindowLargerThanTheGuestsMemoryTrapsAndAFreshInstanceTakesTheNextOne() {
        InMemoryHost host = new InMemoryHost();
        // two pages (128 KiB); the window is 256 KiB and within wasm.max-window-bytes
        WasmWindowFunction function =
                started(host, Map.of("wasm.module", "classpath:wasm/echo.wasm", "wasm.max-memory-pages", 2.0));
        String error = failedWindow(host, function, records(4, "h".repeat(64 * 1024)));
        assertTrue(error.startsWith(WasmExecutionException.class.getName() + ": wasm module 'echo.wasm'"), error);
        assertEquals(8 + 18, function.window(records(1, "z")).length);
        assertEquals(List.of(1.0), host.metrics().get(io.pulsarwasm.engine.WasmSession.RECYCLES_METRIC));
        function.close();
    }

    @Test
    void aJavaScriptWindowWhoseJsonIsSixTimesItsSizeRunsOutOfTheEnginesMemoryNotTheWorkers() throws IOException {
        Path count = script("count.js", "export function process(records) { return String(records.length); }");
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(host, Map.of("wasm.module", "file://" + count));
        // 3 MiB of control characters, each written \\u0001 in JSON: 18 MiB of text for a 16 MiB engine
        byte[] control = new byte[1 << 20];
        Arrays.fill(control, (byte) 1);
        List<CountingRecord> hostile = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hostile.add(new CountingRecord(control, null, null));
        }
        String error = failedWindow(host, function, hostile);
        assertTrue(error.startsWith(WasmExecutionException.class.getName() + ": "), error);
        assertEquals("2", new String(function.window(records(2, "ok")), StandardCharsets.UTF_8));
        function.close();
    }

    @Test
    void aJavaScriptGuestThatNeverReturnsIsHeldToTheDeadlineOverAFullWindow() throws IOException {
        Path spin = script("spin.js", """
                export function process(records) {
                  let n = 0;
                  for (;;) { for (const r of records) { n += r.text.length; } }
                }
                """);
        InMemoryHost host = new InMemoryHost();
        WasmWindowFunction function = started(host, Map.of("wasm.module", "file://" + spin, "wasm.timeout-ms", 500.0));
        String error = failedWindow(host, function, records(10_000, "v"));
        assertTrue(error.startsWith(WasmTimeoutException.class.getName() + ": "), error);
        function.close();
    }
}
