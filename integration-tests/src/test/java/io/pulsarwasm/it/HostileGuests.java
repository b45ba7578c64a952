package io.pulsarwasm.it;

import static io.pulsarwasm.it.RealPulsarTest.LIVENESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The five most damaging hostile guests of the adversarial suite, deployed together on a real
 * worker next to a well-behaved neighbour: a second memory growing past the limit, a log flood,
 * a metric-name flood, a start function that never ends, and WASI stdout without a newline. Each
 * keeps running or fails clearly; the neighbour's outputs, the admin API and the worker's
 * {@code /metrics} stay as they were; every message is answered, dead-lettered or still waiting.
 */
final class HostileGuests {

    private static final String NS = RealPulsarTest.NS;
    private static final String BYTES_FUNCTION = RealPulsarTest.BYTES_FUNCTION;

    private HostileGuests() {}

    static void runTheWorstFive(PulsarCluster pulsar, PulsarClient client, PulsarAdmin admin, String prefix)
            throws Exception {
        Map<String, String> names = new HashMap<>();
        for (String guest : List.of("memories", "logs", "metrics", "start", "stdout", "scaler")) {
            names.put(guest, prefix + guest);
        }
        try {
            deploy(pulsar, admin, names.get("memories"), "hostile_memories.wasm", Map.of(), null);
            deploy(pulsar, admin, names.get("logs"), "hostile_logs.wasm", Map.of(), null);
            deploy(
                    pulsar,
                    admin,
                    names.get("metrics"),
                    "hostile_metrics.wasm",
                    Map.of(),
                    NS + names.get("metrics") + "-dlq");
            deploy(pulsar, admin, names.get("start"), "hostile_start.wasm", Map.of("wasm.timeout-ms", 300), null);
            deploy(pulsar, admin, names.get("stdout"), "hostile_stdout.wasm", Map.of("wasm.wasi.enabled", true), null);
            String scaler = names.get("scaler");
            admin.functions()
                    .createFunction(
                            LongFunctions.config(
                                    scaler,
                                    RealPulsarTest.LONG_FUNCTION,
                                    NS + scaler + "-in",
                                    NS + scaler + "-out",
                                    Map.of(
                                            "wasm.module",
                                            "file://" + pulsar.visibleToWorker(Artifacts.sample("scaler.wasm")),
                                            "factor",
                                            3,
                                            "offset",
                                            1)),
                            Artifacts.genericNar().toString());

            // every guest but the endless start function reaches running before its messages are sent
            for (String guest : List.of("memories", "logs", "metrics", "stdout", "scaler")) {
                awaitRunning(pulsar, admin, names.get(guest));
            }
            try (Consumer<byte[]> memories =
                            Messages.subscribe(client, NS + names.get("memories") + "-out", Schema.BYTES);
                    Consumer<byte[]> logs = Messages.subscribe(client, NS + names.get("logs") + "-out", Schema.BYTES);
                    Consumer<byte[]> stdout =
                            Messages.subscribe(client, NS + names.get("stdout") + "-out", Schema.BYTES);
                    Consumer<byte[]> deadLetters =
                            Messages.subscribe(client, NS + names.get("metrics") + "-dlq", Schema.BYTES);
                    Consumer<Long> scaled = Messages.subscribe(client, NS + scaler + "-out", Schema.INT64)) {
                for (String guest : List.of("memories", "logs", "metrics", "start", "stdout")) {
                    int count = guest.equals("metrics") ? 1 : 3;
                    try (Producer<byte[]> producer = client.newProducer(Schema.BYTES)
                            .topic(NS + names.get(guest) + "-in")
                            .enableBatching(false)
                            .create()) {
                        for (int i = 0; i < count; i++) {
                            producer.send((guest + " " + i).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                List<Long> inputs = LongStream.rangeClosed(1, 50).boxed().toList();
                LongFunctions.produce(client, NS + scaler + "-in", inputs, value -> "k" + (value % 5));

                // memory.grow of the second memory is refused, every time, and the function carries on
                assertEquals(
                        List.of(-1, -1, -1),
                        receive(pulsar, admin, memories, 3, names.get("memories")).stream()
                                .map(m -> ByteBuffer.wrap(m.getValue())
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .getInt())
                                .toList());
                // 1 GiB of log lines per message: 1 MiB of them reach the log, and one line saying so
                assertEquals(
                        List.of("logs 0", "logs 1", "logs 2"),
                        texts(receive(pulsar, admin, logs, 3, names.get("logs"))));
                String logFile = pulsar.functionLog("public", "default", names.get("logs"));
                assertTrue(
                        logFile.contains(
                                "pulsar-wasm: wasm module 'hostile_logs.wasm' logged more than the limit of 1048576 "
                                        + "bytes (user config wasm.max-log-bytes-per-call) in one call; its further lines in this call are dropped"));
                assertTrue(
                        logFile.length() < 3 * 2 * (1 << 20), "log of three messages: " + logFile.length() + " chars");
                // 10 MiB on stdout without a newline: one line, cut
                assertEquals(
                        List.of("stdout 0", "stdout 1", "stdout 2"),
                        texts(receive(pulsar, admin, stdout, 3, names.get("stdout"))));
                assertTrue(pulsar.functionLog("public", "default", names.get("stdout"))
                        .contains(
                                " [pulsar-wasm: a line of 10485760 bytes, cut to the limit of 8192 bytes (user config "
                                        + "wasm.max-log-line-bytes)]"));
                // the neighbour is untouched
                assertEquals(
                        Outputs.expectedByKey(inputs, value -> "k" + (value % 5), x -> 3 * x + 1),
                        Outputs.actualByKey(receive(pulsar, admin, scaled, inputs.size(), scaler)));
                // a start function that never ends fails initialize, clearly; its messages wait in the backlog
                Awaitility.await("start timeout in the log of " + names.get("start"))
                        .atMost(LIVENESS)
                        .until(() -> pulsar.functionLog("public", "default", names.get("start"))
                                .contains("wasm module 'hostile_start.wasm': the start function timed out after 300 ms "
                                        + "(user config wasm.timeout-ms)"));
                assertEquals(
                        3,
                        admin.topics()
                                .getStats(NS + names.get("start") + "-in")
                                .getSubscriptions()
                                .values()
                                .iterator()
                                .next()
                                .getMsgBacklog());
                // the admin API and the worker's /metrics answer
                assertEquals(
                        6,
                        admin.functions().getFunctions("public", "default").stream()
                                .filter(name -> name.startsWith(prefix))
                                .count());
                // On a busy machine the endpoint can take longer than a fixed request timeout (and
                // Pulsar's own metricsServletTimeoutMs, 30 s, answers 500 when generating outlasts it):
                // this asserts that it answers, so it is asked again until it does, within LIVENESS.
                HttpClient http = HttpClient.newHttpClient();
                Awaitility.await("the worker's /metrics answering 200")
                        .atMost(LIVENESS)
                        .pollInterval(Duration.ofSeconds(5))
                        .ignoreExceptions()
                        .until(
                                () -> http.send(
                                                HttpRequest.newBuilder(URI.create(pulsar.adminUrl() + "/metrics/"))
                                                        .timeout(Duration.ofMinutes(2))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode(),
                                status -> status == 200);
                // 100,000 distinct metric names: the 101st fails the message, which is retried once and dead-lettered
                List<Message<byte[]>> dead = receive(pulsar, admin, deadLetters, 1, names.get("metrics"));
                assertEquals(List.of("metrics 0"), texts(dead));
                assertTrue(pulsar.functionLog("public", "default", names.get("metrics"))
                        .contains(
                                "metric 'dA@' would be distinct metric name 101 of this function instance, more than the limit of 100 "
                                        + "metric names (user config wasm.max-metric-names)"));
                assertEquals(
                        1,
                        admin.functions()
                                .getFunctionStatus("public", "default", names.get("memories"))
                                .getNumRunning());
                assertEquals(
                        1,
                        admin.functions()
                                .getFunctionStatus("public", "default", scaler)
                                .getNumRunning());
            }
        } finally {
            for (String name : names.values()) {
                Functions.delete(admin, name);
            }
        }
    }

    private static void deploy(
            PulsarCluster pulsar,
            PulsarAdmin admin,
            String name,
            String module,
            Map<String, Object> config,
            String deadLetterTopic)
            throws Exception {
        Map<String, Object> userConfig = new HashMap<>(config);
        userConfig.put(
                "wasm.module",
                "file://"
                        + pulsar.visibleToWorker(
                                Artifacts.repoDir().resolve("pulsar-wasm-engine/src/test/resources/wasm/" + module)));
        FunctionConfig function = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(BYTES_FUNCTION)
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputs(List.of(NS + name + "-in"))
                .output(NS + name + "-out")
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(userConfig)
                .build();
        if (deadLetterTopic != null) {
            function.setMaxMessageRetries(1);
            function.setDeadLetterTopic(deadLetterTopic);
            function.setTimeoutMs(RealPulsarTest.RETRY_DELAY_MS);
        }
        admin.functions().createFunction(function, Artifacts.genericNar().toString());
    }

    private static void awaitRunning(PulsarCluster pulsar, PulsarAdmin admin, String name) {
        try {
            Awaitility.await(name + " running")
                    .atMost(LIVENESS)
                    .ignoreExceptions()
                    .until(() -> admin.functions()
                                    .getFunctionStatus("public", "default", name)
                                    .getNumRunning()
                            == 1);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + Functions.explain(pulsar, admin, name), e);
        }
    }

    /** {@link Messages#receive}, explaining the function on a shortfall: its status and its log's end. */
    private static <T> List<Message<T>> receive(
            PulsarCluster pulsar, PulsarAdmin admin, Consumer<T> consumer, int count, String function)
            throws PulsarClientException {
        try {
            return Messages.receive(consumer, count, LIVENESS);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + Functions.explain(pulsar, admin, function), e);
        }
    }

    private static List<String> texts(List<Message<byte[]>> messages) {
        List<String> texts = new ArrayList<>();
        for (Message<byte[]> message : messages) {
            texts.add(new String(message.getValue(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
