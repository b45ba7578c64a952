package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.WindowConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Window functions on a real Pulsar, deployed as a user deploys them: the generic NAR, class
 * {@code WasmWindowFunction}, Pulsar's own window flags ({@link WindowConfig}, what {@code
 * pulsar-admin functions create --window-length-count ...} sends). A count window in C with exact
 * sums, a window the guest fails dead-lettered whole after its retries (with a failure report per
 * attempt), and a sliding time window in JavaScript averaging per key.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(7) // the order the two workers take the classes in (integration-tests/pom.xml)
class WindowIT extends RealPulsarTest {

    static final String WINDOW_FUNCTION = "io.pulsarwasm.function.WasmWindowFunction";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FunctionConfig.FunctionConfigBuilder window(String name, String module, WindowConfig window) {
        return FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .runtime(FunctionConfig.Runtime.JAVA)
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .className(WINDOW_FUNCTION)
                .inputs(List.of(NS + name + "-in"))
                .output(NS + name + "-out")
                .windowConfig(window)
                .userConfig(Map.of("wasm.module", module));
    }

    @Test
    void aTumblingCountWindowInCSumsEachFiveAndAFailedWindowIsDeadLetteredWhole() throws Exception {
        String name = "window-sum";
        FunctionConfig config = window(
                        name,
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("window_sum.wasm")),
                        new WindowConfig().setWindowLengthCount(5).setSlidingIntervalCount(5))
                .maxMessageRetries(1)
                .deadLetterTopic(NS + name + "-dlq")
                .timeoutMs(RETRY_DELAY_MS)
                .userConfig(Map.of(
                        "wasm.module",
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("window_sum.wasm")),
                        "wasm.failure-topic",
                        NS + name + "-failures"))
                .build();
        try (Consumer<String> outputs = Messages.subscribe(client, NS + name + "-out", Schema.STRING);
                Consumer<String> deadLetters = Messages.subscribe(client, NS + name + "-dlq", Schema.STRING);
                Consumer<byte[]> failures = Messages.subscribe(client, NS + name + "-failures", Schema.BYTES)) {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            try (Producer<String> producer = client.newProducer(Schema.STRING)
                    .topic(NS + name + "-in")
                    .enableBatching(false)
                    .create()) {
                for (int i = 1; i <= 15; i++) {
                    producer.send(String.valueOf(i));
                }
                // 1..5, 6..10, 11..15
                assertEquals(List.of("15", "40", "65"), Messages.values(Messages.receive(outputs, 3, LIVENESS)));

                // a window the guest refuses: all five records are delivered again, refused again, and
                // then dead-lettered (--max-message-retries 1); nothing is summed meanwhile
                for (String value : List.of("1", "2", "x", "4", "5")) {
                    producer.send(value);
                }
                Set<String> dead = new HashSet<>(Messages.values(Messages.receive(deadLetters, 5, DEAD_LETTER_WAIT)));
                assertEquals(Set.of("1", "2", "x", "4", "5"), dead);

                for (int i = 0; i < 5; i++) {
                    producer.send("10");
                }
                assertEquals(List.of("50"), Messages.values(Messages.receive(outputs, 1, LIVENESS)));
            }
            // one report per failed attempt of the window: the first delivery and the one retry
            List<JsonNode> reports = new ArrayList<>();
            for (Message<byte[]> report : Messages.receive(failures, 2, LIVENESS)) {
                reports.add(JSON.readTree(report.getValue()));
            }
            assertEquals(
                    List.of(1, 2),
                    reports.stream().map(r -> r.get("attempt").asInt()).sorted().toList(),
                    "a window delivered again counts as the next attempt");
            for (JsonNode report : reports) {
                assertEquals("guest-error", report.get("kind").asText(), report.toString());
                assertEquals(
                        "window record 2: value is not a whole number of at most 18 digits",
                        report.get("error").asText().replaceFirst("(?s)^.*returned status 1: ", ""),
                        report.toString());
            }
            String log = pulsar.functionLog("public", "default", name);
            assertTrue(
                    log.contains("pulsar-wasm: a window of 5 records failed, and each is delivered again: "
                            + "io.pulsarwasm.engine.GuestErrorException: wasm module 'window_sum.wasm': export 'process' "
                            + "returned status 1: window record 2: value is not a whole number of at most 18 digits"),
                    log);
        } finally {
            admin.functions().deleteFunction("public", "default", name);
        }
    }

    @Test
    void anEventTimeWindowIsCutByTheValuesTimesSendsLateDataAsideAndDeadLettersAValueWithoutATime() throws Exception {
        String name = "window-event-time";
        long t0 = 1_800_000_000_000L; // 2027-01-15T08:00:00Z, a multiple of the 10 s windows
        // no Pulsar window flags: the function cuts the windows itself, by event time, and acknowledges
        String module = "file://"
                + pulsar.visibleToWorker(Artifacts.repoDir().resolve("wasm-samples/javascript/window_event_time.js"));
        FunctionConfig config = window(name, module, null)
                .processingGuarantees(FunctionConfig.ProcessingGuarantees.MANUAL)
                // Pulsar takes --timeout-ms with ATLEAST_ONCE only: a failed message comes back after the
                // client's negative-acknowledgement delay, a minute
                .maxMessageRetries(1)
                .deadLetterTopic(NS + name + "-dlq")
                .userConfig(Map.of(
                        "wasm.module",
                        module,
                        "wasm.window.length-ms",
                        10_000,
                        "wasm.window.max-lag-ms",
                        20_000,
                        "wasm.window.time",
                        "json",
                        "wasm.window.late-topic",
                        NS + name + "-late"))
                .build();
        try (Consumer<String> outputs = Messages.subscribe(client, NS + name + "-out", Schema.STRING);
                Consumer<String> late = Messages.subscribe(client, NS + name + "-late", Schema.STRING);
                Consumer<String> deadLetters = Messages.subscribe(client, NS + name + "-dlq", Schema.STRING)) {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            try (Producer<String> producer = client.newProducer(Schema.STRING)
                    .topic(NS + name + "-in")
                    .enableBatching(false)
                    .create()) {
                // out of order, within the 20 s lag: no message is late yet, and no window closes
                producer.send("{\"eventTime\": " + (t0 + 1000) + ", \"amount\": 1}");
                producer.send("{\"amount\": 2, \"eventTime\": \"2027-01-15T08:00:03Z\"}");
                producer.send("{\"eventTime\": " + (t0 + 12_000) + ", \"amount\": 10}");
                producer.send("{\"eventTime\": " + (t0 + 2000) + ", \"amount\": 4}");
                producer.send("{\"eventTime\": " + (t0 + 15_000) + ", \"amount\": 20}");
                // the watermark moves to t0 + 25 s: the windows ending at t0 + 10 s and t0 + 20 s close
                producer.send("{\"eventTime\": " + (t0 + 45_000) + ", \"amount\": 100}");
                assertEquals(
                        List.of(
                                "{\"count\":3,\"sum\":7,\"first\":" + (t0 + 1000) + ",\"last\":" + (t0 + 3000) + "}",
                                "{\"count\":2,\"sum\":30,\"first\":" + (t0 + 12_000) + ",\"last\":" + (t0 + 15_000)
                                        + "}"),
                        Messages.values(Messages.receive(outputs, 2, LIVENESS)));

                // behind the watermark: to the late topic, as it was, with its key
                String lateValue = "{\"eventTime\": " + (t0 + 5000) + ", \"amount\": 1000}";
                producer.newMessage().key("k").value(lateValue).send();
                Message<String> aside = Messages.receive(late, 1, LIVENESS).get(0);
                assertEquals(lateValue, aside.getValue());
                assertEquals("k", aside.getKey());
                // no time: refused, delivered again, refused again, dead-lettered as it was
                producer.send("{\"amount\": 5}");
                assertEquals(
                        List.of("{\"amount\": 5}"),
                        Messages.values(Messages.receive(deadLetters, 1, DEAD_LETTER_WAIT)));

                // the watermark moves to t0 + 80 s: the window ending at t0 + 50 s closes, with neither
                producer.send("{\"eventTime\": " + (t0 + 100_000) + ", \"amount\": 0}");
                assertEquals(
                        List.of("{\"count\":1,\"sum\":100,\"first\":" + (t0 + 45_000) + ",\"last\":" + (t0 + 45_000)
                                + "}"),
                        Messages.values(Messages.receive(outputs, 1, LIVENESS)));
            }
            // every message whose windows are out is acknowledged: only the last one waits
            Awaitility.await("the input backlog down to the message still waiting for its window")
                    .atMost(LIVENESS)
                    .until(() -> admin.topics()
                                    .getStats(NS + name + "-in")
                                    .getSubscriptions()
                                    .values()
                                    .iterator()
                                    .next()
                                    .getUnackedMessages()
                            == 1);
            String log = pulsar.functionLog("public", "default", name);
            assertTrue(log.contains("no event time: the object has no top-level \"eventTime\" member"), log);
        } finally {
            admin.functions().deleteFunction("public", "default", name);
        }
    }

    @Test
    void eventTimeWindowsRefuseToStartUnlessTheFunctionAcknowledges() throws Exception {
        String name = "window-event-time-acks";
        FunctionConfig config = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .runtime(FunctionConfig.Runtime.JAVA)
                .className(WINDOW_FUNCTION)
                .inputs(List.of(NS + name + "-in"))
                .output(NS + name + "-out")
                .userConfig(Map.of(
                        "wasm.module",
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("window_sum.wasm")),
                        "wasm.window.length-ms",
                        1000))
                .build();
        try {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            Awaitility.await("the instance's refusal in its log")
                    .atMost(LIVENESS)
                    .until(() -> pulsar.functionLog("public", "default", name)
                            .contains("event-time windows (user config wasm.window.length-ms) acknowledge each message "
                                    + "once the last window holding it is out: deploy with --processing-guarantees "
                                    + "MANUAL (this function runs ATLEAST_ONCE, under which Pulsar acknowledges a "
                                    + "message as soon as it is taken in)"));
        } finally {
            admin.functions().deleteFunction("public", "default", name);
        }
    }

    @Test
    void aSlidingTimeWindowInJavaScriptAveragesPerKey() throws Exception {
        String name = "window-average";
        FunctionConfig config = window(
                        name,
                        "file://"
                                + pulsar.visibleToWorker(
                                        Artifacts.repoDir().resolve("wasm-samples/javascript/window_average.js")),
                        new WindowConfig().setWindowLengthDurationMs(4000L).setSlidingIntervalDurationMs(2000L))
                .build();
        try (Consumer<String> outputs = Messages.subscribe(client, NS + name + "-out", Schema.STRING)) {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            try (Producer<String> producer =
                    client.newProducer(Schema.STRING).topic(NS + name + "-in").create()) {
                // every value of a key is the same, so every window's average of a key is that value,
                // however Pulsar's clock cuts the windows
                for (int i = 0; i < 6; i++) {
                    producer.newMessage().key("a").value("2").send();
                    producer.newMessage()
                            .key("b")
                            .value(i % 2 == 0 ? "10" : "10.0")
                            .send();
                }
                producer.newMessage().value("7").send();
            }
            Map<String, Double> allowed = Map.of("a", 2.0, "b", 10.0, "", 7.0);
            Set<String> seen = new HashSet<>();
            Awaitility.await("averages of a, b and the records without a key")
                    .atMost(LIVENESS)
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        Message<String> output = outputs.receive(1, TimeUnit.SECONDS);
                        if (output != null) {
                            Map<String, Double> averages =
                                    JSON.readValue(output.getValue(), new TypeReference<Map<String, Double>>() {});
                            averages.forEach((key, average) -> assertEquals(
                                    allowed.get(key), average, "key '" + key + "' in " + output.getValue()));
                            List<String> keys = new ArrayList<>(averages.keySet());
                            assertEquals(keys.stream().sorted().toList(), keys, "keys in sorted order");
                            seen.addAll(averages.keySet());
                        }
                        return seen.equals(allowed.keySet());
                    });
            assertTrue(seen.containsAll(Set.of("a", "b", "")));
        } finally {
            admin.functions().deleteFunction("public", "default", name);
        }
    }
}
