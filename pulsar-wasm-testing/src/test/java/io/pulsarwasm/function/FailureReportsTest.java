package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmTimeoutException;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wasm.failure-topic}: each kind of failed guest call makes exactly one report, published
 * before the failure goes back to Pulsar, with every field checked against values this test
 * computes itself (the module's SHA-256 from the file, the message id as Pulsar prints it, the
 * attempt from the redelivery count).
 */
@Timeout(120)
class FailureReportsTest {

    private static final String FAILURES = "persistent://public/default/failures";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path script(String source) throws IOException {
        return Files.writeString(dir.resolve("f.js"), source);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static JsonNode onlyReport(WasmFunctionTester<?, ?> tester, int expectedCount) throws IOException {
        List<PublishedMessage> published = tester.host().published();
        assertEquals(expectedCount, published.size(), "reports: " + published);
        PublishedMessage last = published.get(expectedCount - 1);
        assertEquals(FAILURES, last.topic());
        return JSON.readTree(last.value());
    }

    @Test
    void aGuestErrorIsReportedWithTheFunctionTheModuleTheMessageAndTheAttempt() throws Exception {
        Path file = script("export function process(input, ctx) {\n"
                + "  if (input.startsWith('poison')) throw new Error('cannot take ' + input);\n"
                + "  return input;\n"
                + "}\n");
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.failure-topic", FAILURES)) {
            tester.host().identity("t", "ns", "fn", 2, 3);
            assertEquals("fine", tester.process("fine"));
            assertEquals(0, tester.host().published().size(), "no report for a message that passes");

            byte[] id = new MessageIdImpl(12, 3, -1).toByteArray();
            GuestErrorException first = assertThrows(
                    GuestErrorException.class,
                    () -> tester.process(TestRecord.of("poison-1")
                            .withKey("k1")
                            .withTopic("persistent://t/ns/in")
                            .withMessageId(id)
                            .withRedeliveryCount(2)));
            JsonNode report = onlyReport(tester, 1);
            assertEquals("k1", tester.host().published().get(0).key(), "the report is keyed by the input's key");
            assertEquals(
                    List.of(
                            "function",
                            "instance",
                            "module",
                            "moduleSha256",
                            "topic",
                            "messageId",
                            "attempt",
                            "kind",
                            "limit",
                            "error",
                            "errorTruncated",
                            "inputBytes",
                            "input",
                            "inputTruncated"),
                    iterable(report.fieldNames()));
            assertEquals("t/ns/fn", report.get("function").asText());
            assertEquals(2, report.get("instance").asInt());
            assertEquals("f.js", report.get("module").asText());
            assertEquals(sha256(file), report.get("moduleSha256").asText());
            assertEquals("persistent://t/ns/in", report.get("topic").asText());
            assertEquals("12:3:-1", report.get("messageId").asText());
            assertEquals(3, report.get("attempt").asInt());
            assertEquals("guest-error", report.get("kind").asText());
            assertTrue(report.get("limit").isNull());
            assertEquals(first.getMessage(), report.get("error").asText());
            assertTrue(report.get("error").asText().contains("Error: cannot take poison-1"), report.toString());
            assertEquals(false, report.get("errorTruncated").asBoolean());
            assertEquals(8, report.get("inputBytes").asInt());
            assertEquals(
                    "poison-1",
                    new String(Base64.getDecoder().decode(report.get("input").asText()), StandardCharsets.UTF_8));
            assertEquals(false, report.get("inputTruncated").asBoolean());

            // the absent case: no key, no message id; first delivery (the tester's default topic)
            assertThrows(GuestErrorException.class, () -> tester.process("poison-2"));
            JsonNode bare = onlyReport(tester, 2);
            assertEquals(null, tester.host().published().get(1).key());
            assertEquals("persistent://public/default/input", bare.get("topic").asText());
            assertTrue(bare.get("messageId").isNull(), bare.toString());
            assertEquals(1, bare.get("attempt").asInt());
            assertEquals("fine", tester.process("fine"));
            assertEquals(2, tester.host().published().size());
        }
    }

    @Test
    void timeoutsLimitsTrapsAndOutputsAreToldApartAndNameTheirLimit() throws Exception {
        Path file = script("export function process(input, ctx) {\n"
                + "  if (input === 'spin') for (;;) {}\n"
                + "  if (input === 'key') return ctx.config('k'.repeat(2000));\n"
                + "  return input;\n"
                + "}\n");
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings(
                        file.toUri().toString())
                .config("wasm.failure-topic", FAILURES)
                .config("wasm.timeout-ms", 300.0)) {
            WasmTimeoutException timeout = assertThrows(WasmTimeoutException.class, () -> tester.process("spin"));
            JsonNode report = onlyReport(tester, 1);
            assertEquals("timeout", report.get("kind").asText());
            assertEquals("wasm.timeout-ms", report.get("limit").asText());
            assertEquals(timeout.getMessage(), report.get("error").asText());

            WasmExecutionException key = assertThrows(WasmExecutionException.class, () -> tester.process("key"));
            report = onlyReport(tester, 2);
            assertEquals("limit", report.get("kind").asText());
            assertEquals("wasm.max-key-bytes", report.get("limit").asText());
            assertEquals(
                    "wasm module 'f.js': function process failed in host call ctx.config: a key of 2000 bytes is more "
                            + "than the limit of 1024 bytes (user config wasm.max-key-bytes)",
                    report.get("error").asText());
            assertEquals(key.getMessage(), report.get("error").asText());
        }

        // a trap in a wasm module (a Long function: the input as Pulsar's INT64 writes it)
        try (WasmFunctionTester<Long, Long> tester =
                WasmFunctionTester.longs("classpath:wasm/faults.wasm").config("wasm.failure-topic", FAILURES)) {
            assertThrows(WasmExecutionException.class, () -> tester.process(10L));
            JsonNode report = onlyReport(tester, 1);
            assertEquals("trap", report.get("kind").asText());
            assertTrue(report.get("limit").isNull(), report.toString());
            assertTrue(report.get("moduleSha256").asText().matches("[0-9a-f]{64}"), report.toString());
            assertEquals("faults.wasm", report.get("module").asText());
            assertEquals("AAAAAAAAAAo=", report.get("input").asText(), "10 as eight big-endian bytes");
        }

        // an output that does not fit the record's schema
        Path records = Files.writeString(
                dir.resolve("r.js"), "export function process(user) {\n" + "  return { name: 5 };\n" + "}\n");
        String schema = "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
        try (WasmFunctionTester<org.apache.pulsar.client.api.schema.GenericObject, RecordOutput> tester =
                WasmFunctionTester.records(records.toUri().toString()).config("wasm.failure-topic", FAILURES)) {
            RecordInput input = RecordInput.ofJson(RecordInput.schema(SchemaType.AVRO, schema), "{\"name\":\"n\"}");
            WasmExecutionException output = assertThrows(WasmExecutionException.class, () -> tester.process(input));
            JsonNode report = onlyReport(tester, 1);
            assertEquals("output", report.get("kind").asText());
            assertEquals(output.getMessage(), report.get("error").asText());
            assertEquals(
                    Base64.getEncoder().encodeToString(input.data()),
                    report.get("input").asText());
        }
    }

    @Test
    void theInputAndTheErrorAreCutAtTheirBoundsAndABadBoundIsRefused() throws Exception {
        Path file =
                script("export function process(input) {\n" + "  throw new Error('\\u{1F600}'.repeat(10));\n" + "}\n");
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings(
                        file.toUri().toString())
                .config("wasm.failure-topic", FAILURES)
                .config("wasm.failure-max-input-bytes", 10.0)
                .config("wasm.failure-max-error-chars", 0.0)) {
            String input = "x".repeat(100);
            assertThrows(GuestErrorException.class, () -> tester.process(input));
            JsonNode report = onlyReport(tester, 1);
            assertEquals(100, report.get("inputBytes").asInt());
            assertEquals(
                    Base64.getEncoder().encodeToString("x".repeat(10).getBytes(StandardCharsets.UTF_8)),
                    report.get("input").asText());
            assertEquals(true, report.get("inputTruncated").asBoolean());
            assertEquals("", report.get("error").asText());
            assertEquals(true, report.get("errorTruncated").asBoolean());
        }
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings(
                        file.toUri().toString())
                .config("wasm.failure-topic", FAILURES)
                .config("wasm.failure-max-error-chars", 42.0)) {
            assertThrows(GuestErrorException.class, () -> tester.process("y"));
            String error = onlyReport(tester, 1).get("error").asText();
            // the emoji are surrogate pairs: a cut never splits one (41 chars when 42 would)
            assertTrue(error.length() == 41 || error.length() == 42, error);
            assertTrue(!Character.isHighSurrogate(error.charAt(error.length() - 1)), error);
        }
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings(
                        file.toUri().toString())
                .config("wasm.failure-topic", FAILURES)
                .config("wasm.failure-max-input-bytes", -1.0)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> tester.process("z"));
            assertEquals(
                    "user config wasm.failure-max-input-bytes must be a whole number from 0 to 1048576, not -1.0",
                    bad.getMessage());
        }
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.failure-topic", 5.0)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> tester.process("z"));
            assertEquals("user config wasm.failure-topic must be a topic name, not 5.0", bad.getMessage());
        }
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.failure-topics", FAILURES)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> tester.process("z"));
            assertTrue(
                    bad.getMessage()
                            .startsWith("unknown user config key 'wasm.failure-topics'; did you mean "
                                    + "'wasm.failure-topic'?"),
                    bad.getMessage());
        }
    }

    @Test
    void withoutTheTopicNothingIsReportedAndAReportThatCannotBeSentLeavesTheFailureAsItIs() throws Exception {
        Path file = script("export function process(input) {\n  throw new Error('no');\n}\n");
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString())) {
            assertThrows(GuestErrorException.class, () -> tester.process("a"));
            assertEquals(0, tester.host().published().size());
        }
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.failure-topic", FAILURES)) {
            tester.host().failPublishes(new IllegalStateException("the broker is gone"));
            GuestErrorException failure = assertThrows(GuestErrorException.class, () -> tester.process("a"));
            assertTrue(failure.getMessage().contains("Error: no"), failure.getMessage());
            List<String> logs = tester.host().logLines();
            assertEquals(
                    "WARN pulsar-wasm: the failure report did not reach " + FAILURES
                            + " (user config wasm.failure-topic): java.lang.IllegalStateException: the broker is gone",
                    logs.get(logs.size() - 1));
        }
    }

    @Test
    void anEmptyInputIsReportedAsEmpty() throws Exception {
        Path file = script("export function process(input) {\n  throw new Error('empty: ' + input.length);\n}\n");
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.failure-topic", FAILURES)) {
            assertThrows(GuestErrorException.class, () -> tester.process(""));
            JsonNode report = onlyReport(tester, 1);
            assertEquals(0, report.get("inputBytes").asInt());
            assertEquals("", report.get("input").asText());
            assertEquals(false, report.get("inputTruncated").asBoolean());
            assertTrue(report.get("error").asText().contains("Error: empty: 0"), report.toString());
        }
    }

    @Test
    void anErrorTextThatJsonCannotHoldAsItIsStillMakesAReport() {
        // a failure's text may quote what a guest gave; a lone surrogate cannot be written as UTF-8 JSON
        assertEquals("a\uFFFDb\uD83D\uDE00c\uFFFD", FailureReports.wellFormed("a\uDC00b\uD83D\uDE00c\uD800"));
        assertEquals("plain \"quoted\" \\ \u0000", FailureReports.wellFormed("plain \"quoted\" \\ \u0000"));
        assertEquals("\uFFFD\uFFFD", FailureReports.wellFormed("\uDE00\uD83D"));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
