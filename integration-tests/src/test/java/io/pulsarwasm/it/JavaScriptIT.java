package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * JavaScript functions on a real Pulsar: a {@code .js} deployed with the generic NAR and {@code
 * wasm.module}, exact outputs, state, counters and publishing, a thrown error dead-lettered, a
 * runaway loop stopped by the deadline, and the function still running after both.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(20) // the order the two workers take the classes in (integration-tests/pom.xml)
class JavaScriptIT extends RealPulsarTest {

    @Test
    void anInputsTraceContextReachesTheOutputAndThePublishesWithASpanOfTheFunctions() throws Exception {
        String name = "js-traced";
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name(name)
                                .className(STRING_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + name + "-in"))
                                .output(NS + name + "-out")
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .userConfig(Map.of(
                                        "wasm.module",
                                        module("integration-tests/src/test/resources/javascript/traced.js")))
                                .build(),
                        Artifacts.genericNar().toString());
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        String own = "00-11111111111111111111111111111111-2222222222222222-00";
        try (Consumer<String> outputs = Messages.subscribe(client, NS + name + "-out", Schema.STRING);
                Consumer<String> side = Messages.subscribe(client, NS + name + "-side", Schema.STRING);
                Producer<String> producer = client.newProducer(Schema.STRING)
                        .topic(NS + name + "-in")
                        .create()) {
            producer.newMessage()
                    .value("a")
                    .key("k")
                    .properties(Map.of(
                            "traceparent", "00-" + trace + "-" + parent + "-01", "tracestate", "vendor=x", "p", "1"))
                    .send();
            producer.newMessage().value("b").property("traceparent", "not-one").send();
            producer.newMessage().value("c").send();
            List<Message<String>> out = Messages.receive(outputs, 3, LIVENESS);
            List<Message<String>> published = Messages.receive(side, 6, LIVENESS);

            // a: the output and the publish carry the function's span: same trace, a new span id
            Message<String> a = out.get(0);
            String span = a.getValue().substring(2);
            assertTrue(span.matches("00-" + trace + "-[0-9a-f]{16}-01") && !span.contains(parent), span);
            assertEquals(Map.of("traceparent", span, "tracestate", "vendor=x", "p", "1"), own(a.getProperties()));
            assertEquals(NS + name + "-in", a.getProperty("__pfn_input_topic__"), "what Pulsar adds stays");
            assertEquals("k", a.getKey());
            assertEquals("a side", published.get(0).getValue());
            assertEquals(
                    Map.of("traceparent", span, "tracestate", "vendor=x"),
                    published.get(0).getProperties());
            assertEquals("a own", published.get(1).getValue());
            assertEquals(Map.of("traceparent", own), published.get(1).getProperties());

            // b: a traceparent that is not one passes as it came, and nothing is added
            assertEquals("b not-one", out.get(1).getValue());
            assertEquals(Map.of("traceparent", "not-one"), own(out.get(1).getProperties()));
            assertEquals(Map.of(), published.get(2).getProperties());

            // c: none
            assertEquals("c null", out.get(2).getValue());
            assertEquals(Map.of(), own(out.get(2).getProperties()));
            assertEquals(Map.of(), published.get(4).getProperties());
        }
        Functions.delete(admin, name);
    }

    @Test
    void shoutAndVisitsRunFromTheirSourceFiles() throws Exception {
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name("js-shout")
                                .className(STRING_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + "js-shout-in"))
                                .output(NS + "js-shout-out")
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .userConfig(Map.of(
                                        "wasm.module", module("wasm-samples/javascript/shout.js"), "suffix", "!!"))
                                .build(),
                        Artifacts.genericNar().toString());
        pulsar.pulsarAdmin(
                        "functions",
                        "create",
                        "--jar",
                        pulsar.visibleToWorker(Artifacts.genericNar()),
                        "--classname",
                        STRING_FUNCTION,
                        "--name",
                        "js-visits",
                        "--inputs",
                        NS + "js-visits-in",
                        "--output",
                        NS + "js-visits-out",
                        "--subs-position",
                        "Earliest",
                        "--user-config",
                        "{\"wasm.module\": \"" + module("wasm-samples/javascript/visits.js")
                                + "\", \"welcome-topic\": \"" + NS + "js-welcome\"}")
                .orFail("functions create js-visits");
        try (Consumer<String> shouted = Messages.subscribe(client, NS + "js-shout-out", Schema.STRING);
                Consumer<String> visits = Messages.subscribe(client, NS + "js-visits-out", Schema.STRING);
                Consumer<byte[]> welcomes = Messages.subscribe(client, NS + "js-welcome", Schema.BYTES);
                Producer<String> shout = client.newProducer(Schema.STRING)
                        .topic(NS + "js-shout-in")
                        .create();
                Producer<String> visit = client.newProducer(Schema.STRING)
                        .topic(NS + "js-visits-in")
                        .create()) {
            for (String text : List.of("hello", "", "été", "wasm")) {
                shout.newMessage().key("k-" + text.length()).value(text).send();
            }
            visit.newMessage().key("ann").value("/home").send();
            visit.newMessage().key("bob").value("/").send();
            visit.newMessage().key("ann").value("/cart").send();
            assertEquals(
                    List.of("HELLO!!", "ÉTÉ!!", "WASM!!"), Messages.values(Messages.receive(shouted, 3, LIVENESS)));
            assertEquals(
                    List.of(
                            "ann visit 1: (first) -> /home",
                            "bob visit 1: (first) -> /",
                            "ann visit 2: /home -> /cart"),
                    Messages.values(Messages.receive(visits, 3, LIVENESS)));
            List<Message<byte[]>> welcomed = Messages.receive(welcomes, 2, LIVENESS);
            assertEquals(
                    List.of("{\"user\":\"ann\",\"page\":\"/home\"}", "{\"user\":\"bob\",\"page\":\"/\"}"),
                    welcomed.stream()
                            .map(m -> new String(m.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                            .toList());
            assertEquals(
                    List.of("ann", "bob"),
                    welcomed.stream().map(Message::getKey).toList());
            assertEquals(Map.of("source", "js-visits"), welcomed.get(0).getProperties());
        }
        assertEquals(
                3L,
                admin.functions()
                        .getFunctionState("public", "default", "js-shout", "shouted")
                        .getNumberValue());
        assertEquals(
                2L,
                admin.functions()
                        .getFunctionState("public", "default", "js-visits", "visits-ann")
                        .getNumberValue());
        assertEquals(
                "/cart",
                admin.functions()
                        .getFunctionState("public", "default", "js-visits", "last-page-ann")
                        .getStringValue());
        Awaitility.await("log line of js-shout")
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", "js-shout").contains("shouting k-5"));
        Functions.delete(admin, "js-shout");
        Functions.delete(admin, "js-visits");
    }

    @Test
    void aThrownErrorAndARunawayLoopAreDeadLetteredARetriedMessageKnowsItAndTheFunctionGoesOn() throws Exception {
        String name = "js-moody";
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name(name)
                                .className(STRING_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + "js-moody-in"))
                                .output(NS + "js-moody-out")
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .maxMessageRetries(1)
                                .deadLetterTopic(NS + "js-moody-dlq")
                                .timeoutMs(RETRY_DELAY_MS)
                                .userConfig(Map.of(
                                        "wasm.module",
                                        module("integration-tests/src/test/resources/javascript/moody.js"),
                                        "wasm.timeout-ms",
                                        500,
                                        "wasm.failure-topic",
                                        NS + "js-moody-failures"))
                                .build(),
                        Artifacts.genericNar().toString());
        List<String> inputs = List.of("one", "boom", "two", "spin", "three", "flaky");
        try (Consumer<String> outputs = Messages.subscribe(client, NS + "js-moody-out", Schema.STRING);
                Consumer<byte[]> deadLetters = Messages.subscribe(client, NS + "js-moody-dlq", Schema.BYTES);
                Consumer<byte[]> failures = Messages.subscribe(client, NS + "js-moody-failures", Schema.BYTES);
                Producer<String> producer = client.newProducer(Schema.STRING)
                        .topic(NS + "js-moody-in")
                        .create()) {
            for (String input : inputs) {
                producer.send(input);
            }
            assertEquals(List.of("ONE", "TWO", "THREE"), Messages.values(Messages.receive(outputs, 3, LIVENESS)));
            // "flaky" fails its first delivery and passes its redelivery, which Pulsar counts
            assertEquals(List.of("FLAKY after 1 redelivery"), Messages.values(Messages.receive(outputs, 1, LIVENESS)));
            // negative acknowledgements come back after RETRY_DELAY_MS
            Set<String> dead = Messages.receive(deadLetters, 2, DEAD_LETTER_WAIT).stream()
                    .map(m -> new String(m.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("boom", "spin"), dead);
            producer.send("after");
            assertEquals(List.of("AFTER"), Messages.values(Messages.receive(outputs, 1, LIVENESS)));
            assertFailureReports(failures);
        }
        String log = pulsar.functionLog("public", "default", name);
        List<String> missing = new ArrayList<>();
        for (String expected : List.of(
                "JavaScript function 'moody.js': process threw Error: refusing boom",
                "at process (moody.js:5:15)",
                "function process timed out after 500 ms (user config wasm.timeout-ms)")) {
            if (!log.contains(expected)) {
                missing.add(expected);
            }
        }
        assertEquals(List.of(), missing, log.length() > 4000 ? log.substring(log.length() - 4000) : log);
        assertEquals(
                1,
                admin.functions().getFunctionStatus("public", "default", name).getNumRunning());
        Functions.delete(admin, name);
    }

    /**
     * One report per failed attempt, published before each nack: "boom" and "spin" twice each
     * (maxMessageRetries 1), "flaky" once; nothing for the messages that passed.
     */
    private static void assertFailureReports(Consumer<byte[]> failures) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(java.nio.file.Files.readAllBytes(Artifacts.repoDir()
                                .resolve("integration-tests/src/test/resources/javascript/moody.js"))));
        Set<String> seen = new java.util.HashSet<>();
        for (Message<byte[]> message : Messages.receive(failures, 5, LIVENESS)) {
            JsonNode report = json.readTree(message.getValue());
            String input = new String(
                    java.util.Base64.getDecoder().decode(report.get("input").asText()),
                    java.nio.charset.StandardCharsets.UTF_8);
            seen.add(input + " " + report.get("kind").asText() + " "
                    + report.get("attempt").asInt() + " " + report.get("limit").asText());
            assertEquals("public/default/js-moody", report.get("function").asText(), report.toString());
            assertEquals(0, report.get("instance").asInt(), report.toString());
            assertEquals("moody.js", report.get("module").asText(), report.toString());
            assertEquals(sha256, report.get("moduleSha256").asText(), report.toString());
            assertEquals(NS + "js-moody-in", report.get("topic").asText(), report.toString());
            assertTrue(report.get("messageId").asText().matches("\\d+:\\d+:-?\\d+(:\\d+)?"), report.toString());
            assertEquals(
                    input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                    report.get("inputBytes").asInt(),
                    report.toString());
            String error = report.get("error").asText();
            String expected = switch (input) {
                case "boom" -> "JavaScript function 'moody.js': process threw Error: refusing boom";
                case "flaky" -> "JavaScript function 'moody.js': process threw Error: not the first time";
                default -> "function process timed out after 500 ms (user config wasm.timeout-ms)";
            };
            assertTrue(error.contains(expected), report.toString());
        }
        assertEquals(
                Set.of(
                        "boom guest-error 1 null",
                        "boom guest-error 2 null",
                        "spin timeout 1 wasm.timeout-ms",
                        "spin timeout 2 wasm.timeout-ms",
                        "flaky guest-error 1 null"),
                seen);
        assertNull(failures.receive(2, java.util.concurrent.TimeUnit.SECONDS), "a sixth report");
    }

    /** @return the properties without those Pulsar's function runtime adds to every output ({@code __pfn_...}) */
    private static Map<String, String> own(Map<String, String> properties) {
        return properties.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("__pfn_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static String module(String pathInRepo) {
        return "file://" + pulsar.visibleToWorker(Artifacts.repoDir().resolve(pathInRepo));
    }
}
