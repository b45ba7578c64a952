package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JavaScript samples (wasm-samples/javascript), tested as a user tests them: the tester, no broker. */
@Timeout(60)
class JavaScriptSamplesTest {

    @Test
    void shoutUpperCasesCountsAndLogs() {
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings("classpath:shout.js").config("suffix", "?!")) {
            assertEquals("HELLO?!", tester.process(TestRecord.of("hello").withKey("k1")));
            assertEquals("ÉTÉ?!", tester.process("été"));
            assertNull(tester.process(""));
            assertEquals(Map.of("shouted", 2L), tester.host().counters());
            assertEquals(
                    List.of("INFO shouting k1", "INFO shouting -"),
                    tester.host().logLines().stream()
                            .filter(line -> line.startsWith("INFO shouting"))
                            .toList());
        }
        try (WasmFunctionTester<String, String> defaults = WasmFunctionTester.strings("classpath:shout.js")) {
            assertEquals("HEY!", defaults.process("hey"));
        }
    }

    @Test
    void transformWritesWhatItsJavaTwinWrites() throws Exception {
        JavaJsonTransform java = new JavaJsonTransform();
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:transform.js")) {
            assertEquals(
                    "{\"name\":\"USER-7\",\"count\":8,\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],"
                            + "\"note\":\"some text here ok\",\"total\":10}",
                    tester.process("{\"name\":\"user-7\",\"count\":7,\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],"
                            + "\"note\":\"some text here ok\"}"));
            for (String input : List.of(
                    "{\"name\":\"\u00e9t\u00e9\",\"count\":-1,\"items\":[],\"note\":\"\"}",
                    "{\"name\":\"x\",\"count\":0,\"items\":[\"\",\"\\\"q\\\"\"],\"note\":null}")) {
                assertEquals(java.process(input, null), tester.process(input), input);
            }
        }
    }

    @Test
    void checksumAppendsTheXorOfTheBytes() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:checksum.js")) {
            assertArrayEquals(
                    new byte[] {1, 2, (byte) 0xF0, (byte) 0xF3}, tester.process(new byte[] {1, 2, (byte) 0xF0}));
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF}, tester.process(new byte[] {(byte) 0xFF}));
            assertEquals(
                    Map.of("checksum_bytes", List.of(3.0, 1.0)), tester.host().metrics());
            GuestErrorException thrown = assertThrows(GuestErrorException.class, () -> tester.process(new byte[0]));
            assertEquals(
                    "RangeError: an empty message has no checksum\n    at process (checksum.js:5:15)",
                    thrown.guestMessage());
            assertEquals(
                    "JavaScript function 'checksum.js': process threw " + thrown.guestMessage(), thrown.getMessage());
        }
    }

    @Test
    void visitsKeepsStateCountsAndPublishesFirstVisits() {
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:visits.js")
                .config("welcome-topic", "persistent://public/default/hello")) {
            assertEquals(
                    "ann visit 1: (first) -> /home",
                    tester.process(TestRecord.of("/home").withKey("ann")));
            assertEquals(
                    "ann visit 2: /home -> /cart",
                    tester.process(TestRecord.of("/cart").withKey("ann")));
            assertEquals(
                    "bob visit 1: (first) -> /",
                    tester.process(TestRecord.of("/").withKey("bob")));
            assertEquals("/cart", new String(tester.host().state().get("last-page-ann"), StandardCharsets.UTF_8));
            assertEquals(
                    Map.of("visits-ann", 2L, "visits-bob", 1L), tester.host().counters());
            List<PublishedMessage> published = tester.host().published();
            assertEquals(2, published.size());
            assertEquals("persistent://public/default/hello", published.get(0).topic());
            assertEquals(
                    "{\"user\":\"ann\",\"page\":\"/home\"}", published.get(0).text());
            assertEquals("ann", published.get(0).key());
            assertEquals(
                    Map.of("source", tester.host().functionName()),
                    published.get(0).properties());
            assertEquals("{\"user\":\"bob\",\"page\":\"/\"}", published.get(1).text());
            GuestErrorException thrown = assertThrows(GuestErrorException.class, () -> tester.process("/nokey"));
            assertEquals(
                    "Error: a visit needs a key: the user\n    at process (visits.js:8:15)", thrown.guestMessage());
        }
    }

    @Test
    void userRecordTransformsAvroAndJsonRecordsAsObjects() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:user-record.js")) {
            RecordOutput avro = tester.process(RecordInput.of(
                    Schema.AVRO(RecordsTest.User.class), new RecordsTest.User("ada", 36, "ada@example.org")));
            assertEquals(
                    new RecordsTest.User("ADA", 37, "ada@example.org"),
                    avro.value(Schema.AVRO(RecordsTest.User.class)));
            RecordOutput json = tester.process(RecordInput.of(
                    Schema.JSON(RecordsTest.User.class), new RecordsTest.User("grace", 85, "g@navy.mil")));
            assertEquals("{\"age\":86,\"email\":\"g@navy.mil\",\"name\":\"GRACE\"}", json.json());
            GuestErrorException e =
                    assertThrows(GuestErrorException.class, () -> tester.process(RecordInput.of(Schema.STRING, "ada")));
            assertEquals(
                    "TypeError: input is not a user record",
                    e.guestMessage().lines().findFirst().orElseThrow());
        }
    }
}
