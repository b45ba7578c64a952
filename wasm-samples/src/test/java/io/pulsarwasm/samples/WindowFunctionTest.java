package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window functions (WasmWindowFunction) through the tester, no broker: the samples (window_sum.c,
 * window_average.js), the window input read back field by field in AssemblyScript
 * (window_probe.ts) and JavaScript, the absent and empty cases, the two window bounds, and hostile
 * windows.
 */
@Timeout(120)
class WindowFunctionTest {

    private static final String INPUT = WasmFunctionTester.INPUT_TOPIC;

    @TempDir
    Path dir;

    private static TestRecord<byte[]> value(String text) {
        return TestRecord.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<TestRecord<byte[]>> values(String... texts) {
        return java.util.Arrays.stream(texts).map(WindowFunctionTest::value).toList();
    }

    private static String text(byte[] output) {
        return output == null ? null : new String(output, StandardCharsets.UTF_8);
    }

    @Test
    void theCountWindowSampleSumsEachWindowAndAnEmptyOneIsZero() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_sum.wasm")) {
            String[] oneToTen =
                    IntStream.rangeClosed(1, 10).mapToObj(String::valueOf).toArray(String[]::new);
            assertEquals("55", text(tester.processWindow(values(oneToTen))));
            assertEquals("-3", text(tester.processWindow(values("-7", "4"))));
            assertEquals("0", text(tester.processWindow(List.of())));
            // deployed without window flags, each message is a window of one
            assertEquals("7", text(tester.process(value("7"))));
            assertEquals("999999999999999999", text(tester.processWindow(values("999999999999999999"))));
        }
    }

    @Test
    void aRecordTheSumCannotReadFailsTheWindowNamingIt() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_sum.wasm")) {
            GuestErrorException failure =
                    assertThrows(GuestErrorException.class, () -> tester.processWindow(values("1", "2", "three")));
            assertEquals(
                    "wasm module 'window_sum.wasm': export 'process' returned status 1: "
                            + "window record 2: value is not a whole number of at most 18 digits",
                    failure.getMessage());
            // the empty value, and a number of 19 digits
            assertThrows(GuestErrorException.class, () -> tester.processWindow(values("")));
            assertThrows(GuestErrorException.class, () -> tester.processWindow(values("1000000000000000000")));
            // and the function goes on
            assertEquals("3", text(tester.processWindow(values("1", "2"))));
        }
    }

    @Test
    void aWindowModuleGivenOneMessageAsItIsSaysHowToDeployIt() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:window_sum.wasm")) {
            GuestErrorException failure = assertThrows(
                    GuestErrorException.class, () -> tester.process("12".getBytes(StandardCharsets.UTF_8)));
            assertEquals(
                    "wasm module 'window_sum.wasm': export 'process' returned status 1: "
                            + "the input is not a window: deploy with WasmWindowFunction",
                    failure.getMessage());
            IllegalStateException notAWindowTester =
                    assertThrows(IllegalStateException.class, () -> tester.processWindow(List.of()));
            assertEquals(
                    "processWindow needs a window function's tester (WasmFunctionTester.windows), "
                            + "not WasmBytesFunction's",
                    notAWindowTester.getMessage());
        }
    }

    @Test
    void everyPartOfEveryRecordReachesTheGuestAndAbsentPartsAreAbsent() {
        List<TestRecord<byte[]>> window = List.of(
                value("a1")
                        .withKey("k")
                        .withEventTime(1_700_000_000_000L)
                        .withMessageId(new byte[] {1, 2, (byte) 0xff})
                        .withProperty("x", "1")
                        .withProperty("y", "2"),
                value(""),
                value("é")
                        .withKey("")
                        .withEventTime(-1)
                        .withMessageId(new byte[0])
                        .withProperty("", ""));
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_probe.wasm")) {
            assertEquals(
                    "window of 3\n"
                            + "0 key=k time=1700000000000 id=0102ff topic=" + INPUT + " props=x=1;y=2 value=a1\n"
                            + "1 key=- time=- id=- topic=" + INPUT + " props=- value=\n"
                            + "2 key= time=-1 id= topic=" + INPUT + " props== value=é",
                    text(tester.processWindow(window)));
            assertEquals("window of 0", text(tester.processWindow(List.of())));
        }
    }

    @Test
    void aJavaScriptWindowFunctionGetsAnArrayOfRecords() throws IOException {
        Path probe = dir.resolve("probe.js");
        Files.writeString(probe, """
                export function process(records, ctx) {
                  return JSON.stringify({
                    isArray: Array.isArray(records),
                    key: ctx.key(),
                    ownProto: records.map((r) => Object.prototype.hasOwnProperty.call(r.properties, '__proto__')),
                    records,
                  });
                }
                """);
        List<TestRecord<byte[]>> window = List.of(
                value("hi")
                        .withKey("k")
                        .withEventTime(1_700_000_000_123L)
                        .withMessageId(new byte[] {8, -1})
                        .withProperty("__proto__", "p")
                        .withProperty("a", ""),
                TestRecord.of(new byte[] {(byte) 0xff, 0}).withTopic("persistent://t/n/other"));
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("file://" + probe)) {
            assertEquals(
                    "{\"isArray\":true,\"key\":null,\"ownProto\":[true,false],\"records\":["
                            + "{\"text\":\"hi\",\"key\":\"k\",\"eventTime\":1700000000123,\"messageId\":\"08ff\","
                            + "\"topic\":\"" + INPUT + "\",\"properties\":{\"__proto__\":\"p\",\"a\":\"\"}},"
                            + "{\"text\":\"\uFFFD\\u0000\",\"bytes\":[255,0],\"key\":null,\"eventTime\":null,"
                            + "\"messageId\":null,\"topic\":\"persistent://t/n/other\",\"properties\":{}}]}",
                    text(tester.processWindow(window)));
            assertEquals(
                    "{\"isArray\":true,\"key\":null,\"ownProto\":[],\"records\":[]}",
                    text(tester.processWindow(List.of())));
        }
    }

    @Test
    void theTimeWindowSampleAveragesPerKey() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_average.js")) {
            List<TestRecord<byte[]>> window = List.of(
                    value("1").withKey("a"),
                    value("2").withKey("a"),
                    value("10").withKey("b"),
                    value("4"),
                    value("3").withKey("__proto__"));
            assertEquals("{\"\":4,\"__proto__\":3,\"a\":1.5,\"b\":10}", text(tester.processWindow(window)));
            assertEquals("{}", text(tester.processWindow(List.of())));
            GuestErrorException failure =
                    assertThrows(GuestErrorException.class, () -> tester.processWindow(values("1", "x")));
            assertEquals(
                    "JavaScript function 'window_average.js': process threw Error: window record 1: 'x' is not a number",
                    failure.getMessage().lines().findFirst().orElseThrow());
            assertEquals("{\"\":2.5}", text(tester.processWindow(values("2", "3"))));
        }
    }

    @Test
    void theEventTimeSampleSumsItsWindowAndGivesItsSpan() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_event_time.js")) {
            // 2024-12-07T11:15:30Z is 1733570130000 (20,064 days and 40,530 s after the epoch)
            List<TestRecord<byte[]>> window = List.of(
                    value("{\"eventTime\": 1733570131000, \"amount\": 2}"),
                    value("{\"amount\": 5, \"eventTime\": \"2024-12-07T11:15:30Z\"}"),
                    value("{\"eventTime\": 1733570139999, \"amount\": -0.5, \"note\": [1]}"));
            assertEquals(
                    "{\"count\":3,\"sum\":6.5,\"first\":1733570130000,\"last\":1733570139999}",
                    text(tester.processWindow(window)));
            assertEquals(
                    List.of("DEBUG summed 3 records from 1733570130000 to 1733570139999"),
                    tester.host().logLines().stream()
                            .filter(line -> line.startsWith("DEBUG summed"))
                            .toList());
            assertEquals(null, tester.processWindow(List.of()));
            GuestErrorException failure = assertThrows(
                    GuestErrorException.class,
                    () -> tester.processWindow(
                            List.of(value("{\"eventTime\": 1, \"amount\": 1}"), value("{\"eventTime\": 2}"))));
            assertEquals(
                    "JavaScript function 'window_event_time.js': process threw Error: window record 1: amount "
                            + "undefined is not a number",
                    failure.getMessage().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void eventTimeWindowsWithoutABrokerCloseAsTheWatermarkPassesAndKeepLateMessagesAside() {
        long t0 = 1_800_000_000_000L; // 2027-01-15T08:00:00Z
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_event_time.js")
                .config("wasm.window.length-ms", 10_000.0)
                .config("wasm.window.max-lag-ms", 20_000.0)
                .config("wasm.window.time", "json")
                .config("wasm.window.late-topic", "late")) {
            for (String message : List.of(
                    "{\"eventTime\": " + (t0 + 1000) + ", \"amount\": 1}",
                    "{\"amount\": 2, \"eventTime\": \"2027-01-15T08:00:03Z\"}",
                    "{\"eventTime\": " + (t0 + 12_000) + ", \"amount\": 10}",
                    "{\"eventTime\": " + (t0 + 2000) + ", \"amount\": 4}",
                    "{\"eventTime\": " + (t0 + 15_000) + ", \"amount\": 20}")) {
                assertEquals(List.of(), tester.processEventTime(value(message)), message);
            }
            assertEquals(
                    List.of(
                            "{\"count\":3,\"sum\":7,\"first\":" + (t0 + 1000) + ",\"last\":" + (t0 + 3000) + "}",
                            "{\"count\":2,\"sum\":30,\"first\":" + (t0 + 12_000) + ",\"last\":" + (t0 + 15_000) + "}"),
                    tester.processEventTime(value("{\"eventTime\": " + (t0 + 45_000) + ", \"amount\": 100}")).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
            String late = "{\"eventTime\": " + (t0 + 5000) + ", \"amount\": 1000}";
            assertEquals(List.of(), tester.processEventTime(value(late).withKey("k")));
            assertEquals(1, tester.host().published().size());
            assertEquals("late", tester.host().published().get(0).topic());
            assertEquals("k", tester.host().published().get(0).key());
            assertEquals(late, tester.host().published().get(0).text());
            IllegalArgumentException noTime = assertThrows(
                    IllegalArgumentException.class, () -> tester.processEventTime(value("{\"amount\": 5}")));
            assertEquals("no event time: the object has no top-level \"eventTime\" member", noTime.getMessage());
            assertEquals(
                    List.of("{\"count\":1,\"sum\":100,\"first\":" + (t0 + 45_000) + ",\"last\":" + (t0 + 45_000) + "}"),
                    tester.processEventTime(value("{\"eventTime\": " + (t0 + 100_000) + ", \"amount\": 0}")).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
        }
    }

    @Test
    void anEventTimeWindowThatFailsIsLoggedAndTheNextOnesRunAsInAnInstance() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_event_time.js")
                .config("wasm.window.length-ms", 10.0)
                .config("wasm.window.time", "json")) {
            assertEquals(List.of(), tester.processEventTime(value("{\"eventTime\": 1, \"amount\": \"x\"}")));
            assertEquals(List.of(), tester.processEventTime(value("{\"eventTime\": 12, \"amount\": 2}")));
            // closes [0, 10), which fails, and [10, 20), which sums
            assertEquals(
                    List.of("{\"count\":1,\"sum\":2,\"first\":12,\"last\":12}"),
                    tester.processEventTime(value("{\"eventTime\": 25, \"amount\": 3}")).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
            List<String> errors = tester.host().logLines().stream()
                    .filter(line -> line.startsWith("ERROR "))
                    .toList();
            assertEquals(1, errors.size(), errors.toString());
            assertEquals(
                    true,
                    errors.get(0)
                            .startsWith(
                                    "ERROR pulsar-wasm: the event-time window [0, 10) of 1 records failed, and each "
                                            + "is delivered again once no window holds it: io.pulsarwasm.engine."
                                            + "GuestErrorException: JavaScript function 'window_event_time.js': process threw "
                                            + "Error: window record 0: amount \"x\" is not a number"),
                    errors.get(0));
        }
    }

    @Test
    void eventTimeFromTheMessageAndALateMessageWithoutALateTopicIsRefused() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_sum.wasm")
                .config("wasm.window.length-ms", 10.0)
                .config("wasm.window.slide-ms", 5.0)) {
            assertEquals(List.of(), tester.processEventTime(value("1").withEventTime(1000)));
            assertEquals(List.of(), tester.processEventTime(value("2").withEventTime(1004)));
            // the watermark moves to 1012: the windows [995, 1005) and [1000, 1010) close
            assertEquals(
                    List.of("3", "3"),
                    tester.processEventTime(value("40").withEventTime(1012)).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
            IllegalArgumentException late = assertThrows(
                    IllegalArgumentException.class,
                    () -> tester.processEventTime(value("5").withEventTime(1003)));
            assertEquals(
                    "late: event time 1003 is not after the watermark 1012, and every window holding it has closed "
                            + "(user config wasm.window.late-topic keeps late messages aside)",
                    late.getMessage());
            IllegalArgumentException noTime =
                    assertThrows(IllegalArgumentException.class, () -> tester.processEventTime(value("5")));
            assertEquals(
                    "no event time: the message has none (its producer sets one with newMessage().eventTime(ms)); or "
                            + "read it from a JSON value with wasm.window.time json",
                    noTime.getMessage());
            // 1008 still joins [1005, 1015), the one window holding it that is open
            assertEquals(List.of(), tester.processEventTime(value("7").withEventTime(1008)));
            assertEquals(
                    List.of("47", "40"),
                    tester.processEventTime(value("0").withEventTime(2000)).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
        }
    }

    @Test
    void aFloodOfMessagesThatCloseNoWindowStopsAtTheWaitingBoundAndItsTimeStillClosesThem() {
        // a producer that never lets a window close (all within a day's lag) cannot make the function
        // hold more than wasm.max-window-records messages, nor wait for ever
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.windows("classpath:window_sum.wasm")
                .config("wasm.window.length-ms", 1000.0)
                .config("wasm.window.max-lag-ms", 86_400_000.0)
                .config("wasm.max-window-records", 500.0)) {
            for (int i = 0; i < 500; i++) {
                assertEquals(List.of(), tester.processEventTime(value("1").withEventTime(1_000_000 + i)));
            }
            IllegalStateException full = assertThrows(
                    IllegalStateException.class,
                    () -> tester.processEventTime(value("1").withEventTime(1_000_600)));
            assertEquals(
                    "the event-time windows hold 500 messages waiting for the watermark, at their bound (the limit of "
                            + "500 records (user config wasm.max-window-records), the limit of 4194304 bytes (user "
                            + "config wasm.max-window-bytes)): this message is delivered again (its time has moved the "
                            + "watermark)",
                    full.getMessage());
            // a day later in event time all 500 close, in one window, [1000000, 1001000), making room
            assertEquals(
                    List.of("500"),
                    tester.processEventTime(value("2").withEventTime(1_000_000 + 86_400_000 + 1000)).stream()
                            .map(WindowFunctionTest::text)
                            .toList());
        }
    }

    @Test
    void aWindowOverItsRecordLimitIsRefusedBeforeTheGuestRuns() {
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.windows("classpath:window_average.js").config("wasm.max-window-records", 3.0)) {
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> tester.processWindow(values("1", "2", "3", "4")));
            assertEquals(
                    "a window of 4 records is more than the limit of 3 records "
                            + "(user config wasm.max-window-records); nothing was passed to the guest",
                    refused.getMessage());
            assertEquals(List.of(), debugLines(tester));
            assertEquals("{\"\":2}", text(tester.processWindow(values("1", "2", "3"))));
            assertEquals(List.of("DEBUG averaged 3 records over 1 keys"), debugLines(tester));
        }
    }

    @Test
    void aWindowOverItsByteLimitIsRefusedBeforeTheGuestRuns() {
        // one record of a 10-byte value from the default topic (33 bytes): header 8, flags 4, topic 4 + 33,
        // no properties 4, value 4 + 10: 67 bytes
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.windows("classpath:window_sum.wasm").config("wasm.max-window-bytes", 67.0)) {
            assertEquals("1234567890", text(tester.processWindow(values("1234567890"))));
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> tester.processWindow(values("1", "12345678901")));
            assertEquals(
                    "a window of 2 records takes more than the limit of 67 bytes "
                            + "(user config wasm.max-window-bytes) (over it by record 2); nothing was passed to the guest",
                    refused.getMessage());
        }
    }

    @Test
    void aWindowLargerThanTheGuestsMemoryTrapsAndTheNextWindowGetsAFreshInstance() {
        // 3 pages (192 KiB) of memory; a window of 256 KiB cannot be placed in it
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.windows("classpath:window_sum.wasm").config("wasm.max-memory-pages", 3.0)) {
            String big = "1".repeat(18);
            List<TestRecord<byte[]>> huge = new ArrayList<>();
            for (int i = 0; i < 256 * 1024 / 64; i++) {
                huge.add(value(big).withProperty("pad", "x".repeat(20)));
            }
            RuntimeException failure = assertThrows(RuntimeException.class, () -> tester.processWindow(huge));
            assertInstanceOf(io.pulsarwasm.engine.WasmExecutionException.class, failure);
            assertEquals("6", text(tester.processWindow(values("1", "2", "3"))));
        }
    }

    @Test
    void theAverageOfAWindowOfTheDefaultMostRecords() {
        // about 1 s on an idle machine: the deadline here guards liveness, on a busy one too
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.windows("classpath:window_average.js").config("wasm.timeout-ms", 60_000.0)) {
            List<TestRecord<byte[]>> window = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                window.add(value(String.valueOf(i % 10)).withKey("k" + (i % 2)));
            }
            // k0: 0, 2, 4, 6, 8 repeated; k1: 1, 3, 5, 7, 9 repeated
            assertEquals("{\"k0\":4,\"k1\":5}", text(tester.processWindow(window)));
        }
    }

    private static List<String> debugLines(WasmFunctionTester<?, ?> tester) {
        return tester.host().logLines().stream()
                .filter(line -> line.startsWith("DEBUG averaged"))
                .toList();
    }
}
