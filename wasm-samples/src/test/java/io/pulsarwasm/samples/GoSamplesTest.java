package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.samples.RecordsTest.User;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Go samples (wasm-samples/go, WASI commands built by Go 1.23 against sdk/go) through the
 * tester, as a user tests them: the command entry, state, publishes and records.
 */
@Timeout(120)
class GoSamplesTest {

    /** Go's runtime declares about 270 initial pages (17 MiB), more than the default 256; 1024 leave it room to grow. */
    static final int GO_PAGES = 1024;

    @Test
    void relayAnswersEveryMessageWithItsInputTheEmptyOneIncluded() {
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings("classpath:go_relay.wasm").config("wasm.max-memory-pages", GO_PAGES)) {
            assertEquals("hello", tester.process("hello"));
            assertEquals("été 🎉", tester.process("été 🎉"));
            assertEquals("", tester.process(""));
            String large = "x".repeat(200_000);
            assertEquals(large, tester.process(large));
        }
    }

    @Test
    void counterCountsPerKeyAndPublishesToTheAuditTopic() {
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:go_counter.wasm")
                .config("wasm.max-memory-pages", GO_PAGES)
                .config("audit-topic", "audit")) {
            assertEquals("a=1", tester.process(TestRecord.of("m1").withKey("a")));
            assertEquals("b=1", tester.process(TestRecord.of("m2").withKey("b")));
            assertEquals("a=2", tester.process(TestRecord.of("m3").withKey("a")));
            assertEquals("(none)=1", tester.process("m4"));
            assertEquals(
                    Map.of("count:a", 2L, "count:b", 1L, "count:(none)", 1L),
                    tester.host().counters());
            List<PublishedMessage> published = tester.host().published();
            assertEquals(
                    List.of(
                            "audit a {count=1} m1",
                            "audit b {count=1} m2",
                            "audit a {count=2} m3",
                            "audit (none) {count=1} m4"),
                    published.stream()
                            .map(m -> m.topic() + " " + m.key() + " " + m.properties() + " " + m.text())
                            .toList());
        }
    }

    @Test
    void transformWritesWhatItsJavaTwinWrites() throws Exception {
        JavaJsonTransform java = new JavaJsonTransform();
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings("classpath:go_transform.wasm").config("wasm.max-memory-pages", GO_PAGES)) {
            assertEquals(
                    "{\"name\":\"USER-7\",\"count\":8,\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],"
                            + "\"note\":\"some text here ok\",\"total\":10}",
                    tester.process("{\"name\":\"user-7\",\"count\":7,\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],"
                            + "\"note\":\"some text here ok\"}"));
            for (String input : List.of(
                    "{\"name\":\"\u00e9t\u00e9\",\"count\":-1,\"items\":[],\"note\":\"<&>\"}",
                    "{\"name\":\"x\",\"count\":0,\"items\":[\"\",\"\\\"q\\\"\",\"\ud83c\udf89\"],\"note\":null}")) {
                assertEquals(java.process(input, null), tester.process(input), input);
            }
        }
    }

    @Test
    void recordGetsOlderInTheInputsSchema() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:go_record.wasm").config("wasm.max-memory-pages", GO_PAGES)) {
            assertEquals(
                    new User("ADA", 37, null),
                    tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, null)))
                            .value(Schema.AVRO(User.class)));
            assertEquals(
                    new User("ZOË", 64, "z@x"),
                    tester.process(RecordInput.of(Schema.AVRO(User.class), new User("zoë", 63, "z@x")))
                            .value(Schema.AVRO(User.class)));
            assertNull(tester.process(RecordInput.of(Schema.AVRO(User.class), new User("", 1, null))));
        }
    }

    @Test
    void withTheDefaultMemoryLimitTheLoadSaysWhatGoNeeds() {
        WasmLoadException e = assertThrows(
                WasmLoadException.class,
                () -> WasmFunctionTester.strings("classpath:go_relay.wasm").process("x"));
        assertEquals(
                "wasm module 'go_relay.wasm' declares a memory of 274 initial pages, more than the limit of 256 pages "
                        + "(16 MiB) (user config wasm.max-memory-pages)",
                e.getMessage());
    }
}
