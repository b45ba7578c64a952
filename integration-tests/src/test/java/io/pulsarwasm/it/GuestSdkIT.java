package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.FunctionState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The whole ABI on a real Pulsar, through the guest SDKs: bytes and String functions, filtering,
 * state and counters, publishing to other topics, metrics, config, secrets and logs — in the
 * generic NAR with {@code wasm.module}, and in a NAR packaged from a module by
 * {@code scripts/package-wasm.sh}.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(3) // the order the two workers take the classes in (integration-tests/pom.xml)
class GuestSdkIT extends RealPulsarTest {

    @Test
    void packagedRustWordCounterKeepsCountersInStatePublishesSummariesAndRecordsMetrics() throws Exception {
        Path nar = Artifacts.workDir().resolveSibling("wordcount.nar");
        CommandResult packaged = CommandResult.run(
                        List.of(
                                Artifacts.repoDir()
                                        .resolve("scripts/package-wasm.sh")
                                        .toString(),
                                Artifacts.sample("wordcount.wasm").toString(),
                                "--type",
                                "string",
                                "--output",
                                nar.toString()),
                        Artifacts.repoDir(),
                        Duration.ofMinutes(3))
                .orFail("package-wasm.sh");
        assertEquals(
                "Wrote " + nar + ". Deploy it with:",
                packaged.stdout().lines().findFirst().orElseThrow());

        String name = "wordcount";
        List<String> lines = List.of(
                "the quick brown fox",
                "jumps over the lazy dog",
                "The Pulsar broker",
                "wasm functions in Pulsar",
                "the end",
                "one",
                "two words",
                "three more words",
                "Pulsar pulsar PULSAR",
                "the the the");
        try (Consumer<String> outputs = Messages.subscribe(client, NS + "wc-out", Schema.STRING);
                Consumer<String> summaries = Messages.subscribe(client, NS + "wc-summary", Schema.STRING)) {
            pulsar.pulsarAdmin(
                            "functions",
                            "create",
                            "--jar",
                            pulsar.visibleToWorker(nar),
                            "--classname",
                            STRING_FUNCTION,
                            "--name",
                            name,
                            "--inputs",
                            NS + "wc-in",
                            "--output",
                            NS + "wc-out",
                            "--subs-position",
                            "Earliest",
                            "--user-config",
                            "{\"every\": 5, \"summary-topic\": \"" + NS + "wc-summary\"}")
                    .orFail("functions create " + name);
            try (Producer<String> producer =
                    client.newProducer(Schema.STRING).topic(NS + "wc-in").create()) {
                for (String line : lines) {
                    producer.send(line);
                }
            }
            assertEquals(
                    List.of("4", "5", "3", "4", "2", "1", "2", "3", "3", "3"),
                    Messages.values(Messages.receive(outputs, 10, LIVENESS)));
            List<Message<String>> summary = Messages.receive(summaries, 2, LIVENESS);
            assertEquals(List.of("5 messages, 18 words", "10 messages, 30 words"), Messages.values(summary));
            assertEquals(
                    List.of(name, name), summary.stream().map(Message::getKey).toList());
            assertEquals(Map.of("kind", "summary"), summary.get(1).getProperties());
        }
        // through the admin API (the CLI's querystate and stats read the same endpoints; a CLI call
        // is a JVM start, many seconds each on a busy machine)
        for (Map.Entry<String, Long> count :
                Map.of("the", 7L, "pulsar", 5L, "words", 2L, "__messages", 10L).entrySet()) {
            FunctionState state = admin.functions().getFunctionState("public", "default", name, count.getKey());
            assertEquals(count.getValue(), state.getNumberValue(), state.toString());
        }
        Awaitility.await("user metric 'words' in functions stats")
                .atMost(LIVENESS)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, Double> metrics = admin.functions()
                            .getFunctionStats("public", "default", name)
                            .getInstances()
                            .get(0)
                            .getMetrics()
                            .getUserMetrics();
                    assertEquals(10.0, metrics.get("user_metric_words_count"), metrics.toString());
                    assertEquals(30.0, metrics.get("user_metric_words_sum"), metrics.toString());
                    // a sum, a count and four quantiles (pip-331.md, record_metric)
                    assertEquals(
                            Set.of(
                                    "user_metric_words_count",
                                    "user_metric_words_sum",
                                    "user_metric_words_0.5",
                                    "user_metric_words_0.9",
                                    "user_metric_words_0.99",
                                    "user_metric_words_0.999"),
                            metrics.keySet().stream()
                                    .filter(key -> key.startsWith("user_metric_words"))
                                    .collect(Collectors.toSet()),
                            metrics.toString());
                });
        Functions.delete(admin, name);
    }

    @Test
    void probeReachesTheWholeContextOnARealBroker() throws Exception {
        String name = "probe-fn";
        String input = NS + "probe-in";
        FunctionConfig config = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(BYTES_FUNCTION)
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputs(List.of(input))
                .output(NS + "probe-out")
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(Map.of(
                        "wasm.module",
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("probe.wasm")),
                        "colour",
                        "blue"))
                .secrets(Map.of("token", "s3cr3t"))
                .build();
        List<String> commands = List.of(
                "config colour",
                "config shape",
                "secret token",
                "key",
                "topic",
                "property b",
                "properties",
                "event-time",
                "message-id",
                "identity",
                "state-put colour green",
                "state-get colour",
                "incr hits 5",
                "incr hits 2",
                "publish " + NS + "probe-side k9 side value",
                "metric latency 2.5",
                "log info probe says hello",
                "drop",
                "echo this");
        try (Consumer<byte[]> outputs = Messages.subscribe(client, NS + "probe-out", Schema.BYTES);
                Consumer<byte[]> side = Messages.subscribe(client, NS + "probe-side", Schema.BYTES)) {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            List<MessageId> sent = new ArrayList<>();
            try (Producer<byte[]> producer = client.newProducer(Schema.BYTES)
                    .topic(input)
                    .enableBatching(false)
                    .create()) {
                for (String command : commands) {
                    sent.add(producer.newMessage()
                            .value(command.getBytes(StandardCharsets.UTF_8))
                            .key("k-1")
                            .property("a", "1")
                            .property("b", "two")
                            .eventTime(1_700_000_000_123L)
                            .send());
                }
            }
            List<String> answers = Messages.receive(outputs, commands.size() - 1, LIVENESS).stream()
                    .map(GuestSdkIT::text)
                    .toList();
            assertEquals(
                    List.of(
                            "blue",
                            "<absent>",
                            "s3cr3t",
                            "k-1",
                            input,
                            "two",
                            "a=1,b=two",
                            "1700000000123",
                            HexFormat.of().formatHex(sent.get(8).toByteArray()),
                            "public/default/" + name + " 0/1",
                            "ok",
                            "green",
                            "5",
                            "7",
                            "ok",
                            "ok",
                            "ok",
                            "echo this"),
                    answers);
            Message<byte[]> published = Messages.receive(side, 1, LIVENESS).get(0);
            assertEquals("side value", text(published));
            assertEquals("k9", published.getKey());
            assertEquals(Map.of("via", "probe"), published.getProperties());
        }
        FunctionState hits = admin.functions().getFunctionState("public", "default", name, "hits");
        assertEquals(7L, hits.getNumberValue());
        assertEquals(
                "green",
                admin.functions()
                        .getFunctionState("public", "default", name, "colour")
                        .getStringValue());
        Awaitility.await("log line of " + name)
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", name).contains("probe says hello"));
        Awaitility.await("user metric 'latency'")
                .atMost(LIVENESS)
                .until(() -> Double.valueOf(2.5)
                        .equals(admin.functions()
                                .getFunctionStats("public", "default", name)
                                .getInstances()
                                .get(0)
                                .getMetrics()
                                .getUserMetrics()
                                .get("user_metric_latency_sum")));
        Functions.delete(admin, name);
    }

    @Test
    void filterInCThenEnricherInWatThenRouterInAssemblyScript() throws Exception {
        String moduleKey = "wasm.module";
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name("filter")
                                .className(BYTES_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + "raw"))
                                .output(NS + "clean")
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .userConfig(Map.of(moduleKey, module("filter.wasm"), "blocked", "spam"))
                                .build(),
                        Artifacts.genericNar().toString());
        // Topics written by bytes functions carry no schema, which a String consumer may not join:
        // the whole pipeline uses WasmBytesFunction (the AssemblyScript SDK reads the bytes as UTF-8).
        pulsar.pulsarAdmin(
                        "functions",
                        "create",
                        "--jar",
                        pulsar.visibleToWorker(Artifacts.genericNar()),
                        "--classname",
                        BYTES_FUNCTION,
                        "--name",
                        "enricher",
                        "--inputs",
                        NS + "clean",
                        "--output",
                        NS + "enriched",
                        "--subs-position",
                        "Earliest",
                        "--user-config",
                        "{\"" + moduleKey + "\": \"" + module("enricher.wasm") + "\", \"prefix\": \"eu-\"}")
                .orFail("functions create enricher");
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name("router")
                                .className(BYTES_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + "enriched"))
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .userConfig(Map.of(moduleKey, module("router.wasm"), "topic-prefix", NS + "route-"))
                                .build(),
                        Artifacts.genericNar().toString());
        try (Consumer<byte[]> orders = Messages.subscribe(client, NS + "route-eu-orders", Schema.BYTES);
                Consumer<byte[]> audit = Messages.subscribe(client, NS + "route-eu-audit", Schema.BYTES)) {
            try (Producer<byte[]> producer =
                    client.newProducer(Schema.BYTES).topic(NS + "raw").create()) {
                String[][] messages = {
                    {"a", "orders:apple"},
                    {"b", "spam:offer"},
                    {"c", "audit:login"},
                    {"d", "orders:pear"},
                    {"e", "orders:spam-free pear"}
                };
                for (String[] message : messages) {
                    producer.newMessage()
                            .key(message[0])
                            .value(message[1].getBytes(StandardCharsets.UTF_8))
                            .send();
                }
            }
            List<Message<byte[]>> routed = Messages.receive(orders, 2, LIVENESS);
            assertEquals(
                    List.of("apple", "pear"),
                    routed.stream().map(GuestSdkIT::text).toList());
            assertEquals(List.of("a", "d"), routed.stream().map(Message::getKey).toList());
            assertEquals(Map.of("routed-from", NS + "enriched"), routed.get(0).getProperties());
            Message<byte[]> login = Messages.receive(audit, 1, LIVENESS).get(0);
            assertEquals(List.of("login", "c"), List.of(text(login), login.getKey()));
        }
        assertEquals(
                2L,
                admin.functions()
                        .getFunctionState("public", "default", "filter", "dropped")
                        .getNumberValue());
        assertEquals(
                2L,
                admin.functions()
                        .getFunctionState("public", "default", "router", "routed:eu-orders")
                        .getNumberValue());
        for (String name : List.of("filter", "enricher", "router")) {
            Functions.delete(admin, name);
        }
    }

    private static String text(Message<byte[]> message) {
        return new String(message.getValue(), StandardCharsets.UTF_8);
    }

    private static String module(String fileName) {
        return "file://" + pulsar.visibleToWorker(Artifacts.sample(fileName));
    }
}
