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
