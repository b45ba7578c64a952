package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoader;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The samples, unit-tested the way a user tests a module: no broker, exact outputs and effects. */
class SamplesTest {

    @Test
    void doublerAsAPlainModule() {
        try (WasmLoader loader = WasmLoader.fromResource(Doubler.class.getName() + ".wasm");
                WasmInstance doubler = loader.newInstance()) {
            assertEquals(42L, doubler.process(21));
            assertEquals(-8L, doubler.process(-4));
            assertEquals(Long.MIN_VALUE, doubler.process(Long.MIN_VALUE / 2));
        }
    }

    @Test
    void doublerAsThePip331StyleFunctionClass() {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.of(new Doubler())) {
            assertEquals(84L, tester.process(42L));
        }
    }

    @Test
    void scalerReadsItsConfigInInitAndLogs() {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.longs("classpath:scaler.wasm")
                .config("factor", 3.0)
                .config("offset", "1")) {
            assertEquals(22L, tester.process(7L));
            assertEquals(
                    "INFO scaler ready: factor=3 offset=1",
                    tester.host().logLines().get(1));
        }
        try (WasmFunctionTester<Long, Long> defaults = WasmFunctionTester.longs("classpath:scaler.wasm")) {
            assertEquals(14L, defaults.process(7L));
        }
    }

    @Test
    void filterInCDropsBlockedMessagesAndCountsThem() {
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.bytes("classpath:filter.wasm").config("blocked", "spam")) {
            assertEquals("hello", text(tester.process(bytes("hello"))));
            assertNull(tester.process(bytes("buy spam now")));
            assertNull(tester.process(bytes("spam")));
            assertEquals("spa", text(tester.process(bytes("spa"))));
            assertEquals(Map.of("dropped", 2L), tester.host().counters());
        }
        try (WasmFunctionTester<byte[], byte[]> unset = WasmFunctionTester.bytes("classpath:filter.wasm")) {
            assertEquals("spam", text(unset.process(bytes("spam"))));
            assertEquals(
                    "WARN filter: user config 'blocked' is not set; passing every message",
                    unset.host().logLines().get(1));
        }
    }

    @Test
    void enricherInWatPrefixesFromConfig() {
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings("classpath:enricher.wasm").config("prefix", "» ")) {
            assertEquals("» hello", tester.process("hello"));
            assertEquals("» ünïcödé ✓", tester.process("ünïcödé ✓"));
            assertEquals("» " + "x".repeat(200_000), tester.process("x".repeat(200_000)));
        }
        try (WasmFunctionTester<String, String> unset = WasmFunctionTester.strings("classpath:enricher.wasm")) {
            assertEquals("as is", unset.process("as is"));
        }
    }

    @Test
    void wordCounterInRustCountsPublishesSummariesAndRecordsMetrics() {
        String summaries = "persistent://public/default/summaries";
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:wordcount.wasm")
                .config("every", 2.0)
                .config("summary-topic", summaries)) {
            assertEquals("2", tester.process("Hello world"));
            assertEquals("3", tester.process("hello again, World!"));
            assertEquals("0", tester.process("..."));
            assertEquals(
                    Map.of("hello", 2L, "world", 2L, "again", 1L, "__messages", 3L, "__words", 5L),
                    tester.host().counters());
            assertEquals(Map.of("words", List.of(2.0, 3.0, 0.0)), tester.host().metrics());
            List<PublishedMessage> published = tester.host().published();
            assertEquals(1, published.size());
            assertEquals(summaries, published.get(0).topic());
            assertEquals("test-function", published.get(0).key());
            assertEquals(Map.of("kind", "summary"), published.get(0).properties());
            assertEquals("2 messages, 5 words", published.get(0).text());
        }
    }

    @Test
    void wordCounterFailsClearlyWithoutItsSummaryTopic() {
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings("classpath:wordcount.wasm").config("every", 1.0)) {
            GuestErrorException error = assertThrows(GuestErrorException.class, () -> tester.process("one"));
            assertEquals(
                    "wasm module 'wordcount.wasm': export 'process' returned status 1: "
                            + "user config 'summary-topic' is not set",
                    error.getMessage());
        }
    }

    @Test
    void routerInAssemblyScriptPublishesToTheTopicNamedInTheMessage() {
        try (WasmFunctionTester<String, String> tester = WasmFunctionTester.strings("classpath:router.wasm")
                .config("topic-prefix", "persistent://public/default/route-")) {
            assertNull(tester.process(TestRecord.of("orders:42 apples").withKey("k1")));
            assertNull(tester.process(TestRecord.of("audit:a:b")));
            List<PublishedMessage> published = tester.host().published();
            assertEquals(2, published.size());
            assertEquals(
                    "persistent://public/default/route-orders", published.get(0).topic());
            assertEquals("k1", published.get(0).key());
            assertEquals(
                    Map.of("routed-from", WasmFunctionTester.INPUT_TOPIC),
                    published.get(0).properties());
            assertEquals("42 apples", published.get(0).text());
            assertEquals(
                    "persistent://public/default/route-audit", published.get(1).topic());
            assertNull(published.get(1).key());
            assertEquals("a:b", published.get(1).text());
            assertEquals(
                    Map.of("routed:orders", 1L, "routed:audit", 1L),
                    tester.host().counters());

            GuestErrorException error = assertThrows(GuestErrorException.class, () -> tester.process("nothing"));
            assertEquals(
                    "wasm module 'router.wasm': export 'process' returned status 1: "
                            + "no route: expected <route>:<payload>, got 'nothing'",
                    error.getMessage());
        }
    }

    /** The context tour's first two answers, the same for its C and AssemblyScript twins. */
    private static void toursFirstTwoMessages(WasmFunctionTester<byte[], byte[]> tester) {
        tester.host().identity("acme", "pipelines", "tour", 2, 3);
        assertEquals(
                "acme/pipelines/tour instance 2 of 3 key=k1 topic=persistent://public/default/input "
                        + "time=1700000000123 id=9B props: lang=c team=core lang=c previous=- messages=1",
                text(tester.process(TestRecord.of(bytes("hello"))
                        .withKey("k1")
                        .withProperty("lang", "c")
                        .withProperty("team", "core")
                        .withEventTime(1_700_000_000_123L)
                        .withMessageId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))));
        assertEquals(
                "acme/pipelines/tour instance 2 of 3 key=- topic=persistent://public/default/input "
                        + "time=-1 id=0B props: lang=- previous=hello messages=2",
                text(tester.process(bytes("again"))));
    }

    /** What the tour published for its first two messages (with the sample's name as a property). */
    private static void toursFirstTwoPublishes(List<PublishedMessage> published, String from) {
        assertEquals("persistent://public/default/echoes", published.get(0).topic());
        assertEquals("k1", published.get(0).key());
        assertEquals(Map.of("from", from), published.get(0).properties());
        assertEquals("hello", published.get(0).text());
        assertNull(published.get(1).key());
        assertEquals("again", published.get(1).text());
    }

    @Test
    void contextInCReadsTheWholeContext() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:context.wasm")
                .config("echo-topic", "persistent://public/default/echoes")) {
            toursFirstTwoMessages(tester);

            List<PublishedMessage> published = tester.host().published();
            assertEquals(2, published.size());
            toursFirstTwoPublishes(published, "context.c");
            assertEquals("again", new String(tester.host().state().get("previous"), StandardCharsets.UTF_8));
            assertEquals(Map.of("messages", 2L), tester.host().counters());
            assertEquals(Map.of("input-bytes", List.of(5.0, 5.0)), tester.host().metrics());

            GuestErrorException tooLong = assertThrows(GuestErrorException.class, () -> tester.process(new byte[257]));
            assertEquals(
                    "wasm module 'context.wasm': export 'process' returned status 1: input longer than 256 bytes",
                    tooLong.getMessage());
        }
    }

    @Test
    void tourInAssemblyScriptReadsTheWholeContextAsBytes() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:tour.wasm")
                .config("echo-topic", "persistent://public/default/echoes")) {
            toursFirstTwoMessages(tester);

            // bytes that are not UTF-8 pass through as they are: into state, the publish and the answer
            byte[] binary = {(byte) 0xff, 0, (byte) 0xc3, 0x28, (byte) 0x80};
            byte[] answer = tester.process(binary);
            assertEquals(
                    " previous=again messages=3", text(Arrays.copyOfRange(answer, answer.length - 26, answer.length)));
            byte[] last = tester.process(bytes("last"));
            assertEquals(
                    HexFormat.of().formatHex(binary) + HexFormat.of().formatHex(bytes(" messages=4")),
                    HexFormat.of().formatHex(Arrays.copyOfRange(last, last.length - 16, last.length)));

            List<PublishedMessage> published = tester.host().published();
            assertEquals(4, published.size());
            toursFirstTwoPublishes(published, "tour.ts");
            assertArrayEquals(binary, published.get(2).value());
            assertEquals("last", new String(tester.host().state().get("previous"), StandardCharsets.UTF_8));
            assertEquals(Map.of("messages", 4L), tester.host().counters());
            assertEquals(
                    Map.of("input-bytes", List.of(5.0, 5.0, 5.0, 4.0)),
                    tester.host().metrics());

            GuestErrorException tooLong = assertThrows(GuestErrorException.class, () -> tester.process(new byte[257]));
            assertEquals(
                    "wasm module 'tour.wasm': export 'process' returned status 1: input longer than 256 bytes",
                    tooLong.getMessage());
        }
    }

    @Test
    void tourInAssemblyScriptAnswersAsContextInCDoes() {
        try (WasmFunctionTester<byte[], byte[]> tour = WasmFunctionTester.bytes("classpath:tour.wasm");
                WasmFunctionTester<byte[], byte[]> context = WasmFunctionTester.bytes("classpath:context.wasm")) {
            for (TestRecord<byte[]> record : List.of(
                    TestRecord.of(bytes("ünïcödé ✓"))
                            .withKey("κ")
                            .withProperty("lang", "as")
                            .withProperty("", ""),
                    TestRecord.of(new byte[] {(byte) 0xc0, (byte) 0xaf}).withTopic("persistent://t/n/other"),
                    TestRecord.of(new byte[0]).withProperty("x", "y".repeat(5000)))) {
                assertEquals(
                        HexFormat.of().formatHex(context.process(record)),
                        HexFormat.of().formatHex(tour.process(record)));
            }
        }
    }

    @Test
    void hashInCIsFnv1a64() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:hash.wasm")) {
            // FNV-1a 64 test vectors: "" -> cbf29ce484222325, "a" -> af63dc4c8601ec8c
            assertEquals("25232284e49cf2cb", java.util.HexFormat.of().formatHex(tester.process(new byte[0])));
            assertEquals("8cec01864cdc63af", java.util.HexFormat.of().formatHex(tester.process(bytes("a"))));
        }
    }

    @Test
    void doublerRunsInEveryExecutionMode() {
        for (String mode : List.of("interpreter", "compiler", "aot")) {
            try (WasmFunctionTester<Long, Long> tester =
                    WasmFunctionTester.of(new Doubler()).config("wasm.execution", mode)) {
                assertEquals(-84L, tester.process(-42L), mode);
                assertEquals(
                        "INFO pulsar-wasm: loaded module '"
                                + (mode.equals("aot")
                                        ? "io.pulsarwasm.samples.DoublerModule"
                                        : "io.pulsarwasm.samples.Doubler.wasm")
                                + "' for test-function (" + mode + ", WASI off, default limits)",
                        tester.host().logLines().get(0),
                        mode);
            }
        }
    }

    @Test
    void aotNamesTheClassItCouldNotFind() {
        try (WasmFunctionTester<Long, Long> tester = WasmFunctionTester.of(new Doubler())
                .config("wasm.execution", "aot")
                .config("wasm.aot.class", "io.pulsarwasm.samples.Missing")) {
            assertEquals(
                    "AOT class 'io.pulsarwasm.samples.Missing' not found: generate it with endive-compiler-maven-plugin "
                            + "(goal compile, name io.pulsarwasm.samples.Missing) or set user config wasm.aot.class",
                    assertThrows(io.pulsarwasm.engine.WasmLoadException.class, () -> tester.process(1L))
                            .getMessage());
        }
    }

    @Test
    void probeReachesTheWholeContextThroughTheRustSdk() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:probe.wasm")
                .config("colour", "blue")
                .secret("token", "s3cr3t")) {
            tester.host().identity("acme", "streams", "probe", 2, 3);
            assertEquals("blue", probe(tester, "config colour"));
            assertEquals("<absent>", probe(tester, "config shape"));
            assertEquals("s3cr3t", probe(tester, "secret token"));
            assertEquals("<absent>", probe(tester, "secret other"));
            assertEquals("acme/streams/probe 2/3", probe(tester, "identity"));
            TestRecord<byte[]> record = TestRecord.of(bytes("key"))
                    .withKey("k-1")
                    .withTopic("persistent://acme/streams/in")
                    .withProperty("a", "1")
                    .withProperty("b", "two")
                    .withEventTime(1_700_000_000_123L);
            assertEquals("k-1", text(tester.process(record)));
            assertEquals("persistent://acme/streams/in", text(tester.process(withValue(record, "topic"))));
            assertEquals("two", text(tester.process(withValue(record, "property b"))));
            assertEquals("a=1,b=two", text(tester.process(withValue(record, "properties"))));
            assertEquals("1700000000123", text(tester.process(withValue(record, "event-time"))));
            assertEquals("<absent>", probe(tester, "key"));
            assertEquals("<absent>", probe(tester, "event-time"));
            assertEquals("<absent>", probe(tester, "message-id"));
            assertEquals("", probe(tester, "properties"));

            assertEquals("<absent>", probe(tester, "state-get colour"));
            assertEquals("ok", probe(tester, "state-put colour green"));
            assertEquals("green", probe(tester, "state-get colour"));
            assertEquals("ok", probe(tester, "state-delete colour"));
            assertEquals("<absent>", probe(tester, "state-get colour"));
            assertEquals("5", probe(tester, "incr hits 5"));
            assertEquals("3", probe(tester, "incr hits -2"));
            assertEquals("3", probe(tester, "counter hits"));
            assertEquals("0", probe(tester, "counter never"));

            assertEquals("ok", probe(tester, "publish persistent://acme/streams/out k9 some value"));
            PublishedMessage published = tester.host().published().get(0);
            assertEquals(
                    List.of("persistent://acme/streams/out", "k9", Map.of("via", "probe"), "some value"),
                    List.of(published.topic(), published.key(), published.properties(), published.text()));
            assertEquals("ok", probe(tester, "metric latency 2.5"));
            assertEquals(Map.of("latency", List.of(2.5)), tester.host().metrics());
            assertEquals("ok", probe(tester, "log warn careful now"));
            assertEquals(
                    "WARN careful now",
                    tester.host().logLines().get(tester.host().logLines().size() - 1));

            assertNull(tester.process(bytes("drop")));
            assertEquals("anything else", probe(tester, "anything else"));
            // a command without its text: an empty line, an empty error (the sample once sliced past the end and
            // trapped)
            assertEquals("ok", probe(tester, "log info"));
            assertEquals(
                    "INFO ",
                    tester.host().logLines().get(tester.host().logLines().size() - 1));
            assertEquals(
                    "",
                    assertThrows(GuestErrorException.class, () -> tester.process(bytes("fail")))
                            .guestMessage());
            GuestErrorException error =
                    assertThrows(GuestErrorException.class, () -> tester.process(bytes("fail no good")));
            assertEquals("no good", error.guestMessage());
            assertEquals("still here", probe(tester, "still here"));
        }
    }

    @Test
    void probeTellsEmptyFromAbsentThroughTheRustSdk() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:probe.wasm")
                .config("empty", "")
                .config("", "unnamed")
                .secret("empty", "")) {
            // an empty value is present: the probe answers it as it is, an empty output, not none
            assertArrayEquals(new byte[0], tester.process(bytes("config empty")));
            assertEquals("<absent>", probe(tester, "config none"));
            assertEquals("unnamed", probe(tester, "config "));
            assertEquals("", probe(tester, "secret empty"));
            assertEquals("<absent>", probe(tester, "secret none"));

            // a record with an empty key, topic, property name and value, and message id, at time 0
            Function<String, TestRecord<byte[]>> empty = command -> TestRecord.of(bytes(command))
                    .withKey("")
                    .withTopic("")
                    .withProperty("", "")
                    .withEventTime(0)
                    .withMessageId(new byte[0]);
            for (String command : List.of("key", "topic", "property ", "message-id")) {
                assertArrayEquals(new byte[0], tester.process(empty.apply(command)), command);
            }
            assertEquals("<absent>", text(tester.process(empty.apply("property p"))));
            assertEquals("=", text(tester.process(empty.apply("properties"))));
            assertEquals("0", text(tester.process(empty.apply("event-time"))));
            // and one with none of them
            Function<String, TestRecord<byte[]>> bare =
                    command -> TestRecord.of(bytes(command)).withTopic(null);
            for (String command : List.of("key", "topic", "property ", "message-id", "event-time")) {
                assertEquals("<absent>", text(tester.process(bare.apply(command))), command);
            }
            assertArrayEquals(new byte[0], tester.process(bare.apply("properties")));

            // state: a value of zero bytes is stored and read back as such, under an empty key too
            assertEquals("ok", probe(tester, "state-put empty "));
            assertEquals("ok", probe(tester, "state-put  "));
            assertArrayEquals(new byte[0], tester.host().state().get("empty"));
            assertArrayEquals(new byte[0], tester.host().state().get(""));
            assertEquals(
                    List.of("", "empty"),
                    tester.host().state().keySet().stream().sorted().toList());
            assertArrayEquals(new byte[0], tester.process(bytes("state-get empty")));
            assertEquals("<absent>", probe(tester, "state-get none"));
            assertEquals("0", probe(tester, "incr  0"));
            assertEquals("0", probe(tester, "counter "));
            assertEquals(Map.of("", 0L), tester.host().counters());

            // a publish with an empty key and an empty value; an empty log line; an empty metric name
            assertEquals("ok", probe(tester, "publish persistent://acme/streams/out  "));
            PublishedMessage published = tester.host().published().get(0);
            assertEquals(
                    List.of("persistent://acme/streams/out", "", Map.of("via", "probe")),
                    List.of(published.topic(), published.key(), published.properties()));
            assertArrayEquals(new byte[0], published.value());
            assertEquals("ok", probe(tester, "log info "));
            assertEquals(
                    "INFO ",
                    tester.host().logLines().get(tester.host().logLines().size() - 1));
            assertEquals("ok", probe(tester, "metric  0"));
            assertEquals(Map.of("", List.of(0.0)), tester.host().metrics());

            // an empty input comes back as an empty output; an empty error is an error
            assertArrayEquals(new byte[0], tester.process(new byte[0]));
            assertNull(tester.process(bytes("drop")));
            assertEquals(
                    "",
                    assertThrows(GuestErrorException.class, () -> tester.process(bytes("fail ")))
                            .guestMessage());
        }
    }

    @Test
    void recordsPublishesAnEmptyValueWithoutKeyOrPropertiesThroughTheRustSdk() {
        // on a topic without a schema the records sample upper-cases the bytes and publishes them with publish(topic,
        // value)
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:records.wasm")
                .config("publish_to", "persistent://public/default/copies")) {
            assertArrayEquals(new byte[0], tester.process(new byte[0]));
            assertEquals("AB", text(tester.process(bytes("ab"))));
            List<PublishedMessage> published = tester.host().published();
            assertEquals(2, published.size());
            assertEquals("persistent://public/default/copies", published.get(0).topic());
            assertNull(published.get(0).key());
            assertEquals(Map.of(), published.get(0).properties());
            assertArrayEquals(new byte[0], published.get(0).value());
            assertNull(published.get(1).key());
            assertEquals("AB", published.get(1).text());
        }
    }

    @Test
    void contextInCAndTourInAssemblyScriptTellEmptyFromAbsent() {
        for (String module : List.of("context", "tour")) {
            try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:" + module + ".wasm")
                    .config("echo-topic", "persistent://public/default/echoes")) {
                // an empty input with an empty key, topic, property name and value, and message id
                assertEquals(
                        "public/default/test-function instance 0 of 1 key= topic= time=-1 id=0B props: = lang=- "
                                + "previous=- messages=1",
                        text(tester.process(TestRecord.of(new byte[0])
                                .withKey("")
                                .withTopic("")
                                .withProperty("", "")
                                .withMessageId(new byte[0]))),
                        module);
                assertArrayEquals(new byte[0], tester.host().state().get("previous"), module);
                // none of them, at time 0: the previous input is present, and empty
                assertEquals(
                        "public/default/test-function instance 0 of 1 key=- topic=- time=0 id=0B props: lang=- "
                                + "previous= messages=2",
                        text(tester.process(
                                TestRecord.of(bytes("x")).withTopic(null).withEventTime(0))),
                        module);
                List<PublishedMessage> published = tester.host().published();
                assertEquals(2, published.size(), module);
                assertEquals("", published.get(0).key(), module);
                assertArrayEquals(new byte[0], published.get(0).value(), module);
                assertNull(published.get(1).key(), module);
                assertEquals("x", published.get(1).text(), module);
            }
        }
    }

    @Test
    void relayInWatOutputsEachMessageAfterPublishingAndCountingIt() {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:relay.wasm")
                .config("side-topic", "persistent://public/default/side")
                .config("counter", "seen")) {
            assertEquals("a", text(tester.process(bytes("a"))));
            assertEquals("bc", text(tester.process(bytes("bc"))));
            assertEquals(
                    List.of("persistent://public/default/side:a", "persistent://public/default/side:bc"),
                    tester.host().published().stream()
                            .map(m -> m.topic() + ":" + m.text())
                            .toList());
            assertEquals(Map.of("seen", 2L), tester.host().counters());
        }
        try (WasmFunctionTester<byte[], byte[]> plain = WasmFunctionTester.bytes("classpath:relay.wasm")) {
            assertEquals("x", text(plain.process(bytes("x"))));
            assertEquals(List.of(), plain.host().published());
            assertEquals(Map.of(), plain.host().counters());
        }
    }

    private static String probe(WasmFunctionTester<byte[], byte[]> tester, String command) {
        return text(tester.process(bytes(command)));
    }

    private static TestRecord<byte[]> withValue(TestRecord<byte[]> record, String command) {
        TestRecord<byte[]> copy = TestRecord.of(bytes(command))
                .withKey(record.key().orElseThrow())
                .withTopic(record.topic().orElseThrow())
                .withEventTime(record.eventTime().orElseThrow());
        for (Map.Entry<String, String> property : record.properties().entrySet()) {
            copy = copy.withProperty(property.getKey(), property.getValue());
        }
        return copy;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
