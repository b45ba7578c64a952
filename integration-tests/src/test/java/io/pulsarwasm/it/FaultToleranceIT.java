package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * No message lost, whatever a guest does: poison messages are dead-lettered while the rest flow
 * exactly once, restarts and crashed instances lose nothing, a runaway guest does not stop its
 * neighbour, and three instances share a stream, each key in order.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(1) // the order the two workers take the classes in (integration-tests/pom.xml)
class FaultToleranceIT extends RealPulsarTest {

    @Test
    void poisonMessagesAreDeadLetteredAndEveryOtherMessageIsProcessedExactlyOnce() throws Exception {
        String name = "poison";
        // The probe answers "fail <why>" with a guest error and a bare "fail" with a trap (a Rust panic).
        admin.functions()
                .createFunction(
                        FunctionConfig.builder()
                                .tenant("public")
                                .namespace("default")
                                .name(name)
                                .className(BYTES_FUNCTION)
                                .runtime(FunctionConfig.Runtime.JAVA)
                                .inputs(List.of(NS + "poison-in"))
                                .output(NS + "poison-out")
                                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                .maxMessageRetries(1)
                                .deadLetterTopic(NS + "poison-dlq")
                                .timeoutMs(RETRY_DELAY_MS)
                                .userConfig(Map.of("wasm.module", module("wasm-samples/src/main/resources/probe.wasm")))
                                .build(),
                        Artifacts.genericNar().toString());
        List<String> inputs = new ArrayList<>();
        Set<String> poison = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = i % 100 == 37 ? (i % 200 == 37 ? "fail poison " + i : "fail") : "message " + i;
            inputs.add(value);
            if (value.startsWith("fail")) {
                poison.add(value + "#" + i);
            }
        }
        try (Consumer<byte[]> outputs = Messages.subscribe(client, NS + "poison-out", Schema.BYTES);
                Consumer<byte[]> deadLetters = Messages.subscribe(client, NS + "poison-dlq", Schema.BYTES);
                Producer<byte[]> producer =
                        client.newProducer(Schema.BYTES).topic(NS + "poison-in").create()) {
            List<MessageId> sent = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                sent.add(producer.newMessage()
                        .key(Integer.toString(i))
                        .value(inputs.get(i).getBytes(StandardCharsets.UTF_8))
                        .send());
            }
            List<Message<byte[]>> outputMessages = Messages.receive(outputs, 990, LIVENESS);
            List<String> processed = outputMessages.stream()
                    .map(m -> new String(m.getValue(), StandardCharsets.UTF_8))
                    .toList();
            assertEquals(
                    inputs.stream().filter(value -> !value.startsWith("fail")).toList(), processed);
            // what Pulsar's function runtime adds to an output (docs/deploying.md, "What Pulsar adds to your messages")
            Map<String, String> added = outputMessages.get(0).getProperties();
            assertEquals(Set.of("__pfn_input_topic__", "__pfn_input_msg_id__"), added.keySet());
            assertEquals(NS + "poison-in", added.get("__pfn_input_topic__"));
            MessageIdAdv input = (MessageIdAdv) sent.get(0);
            MessageIdAdv echoed = (MessageIdAdv)
                    MessageId.fromByteArray(Base64.getDecoder().decode(added.get("__pfn_input_msg_id__")));
            assertEquals(
                    List.of(input.getLedgerId(), input.getEntryId()),
                    List.of(echoed.getLedgerId(), echoed.getEntryId()));
            // negative acknowledgements come back after RETRY_DELAY_MS
            Set<String> dead = new HashSet<>();
            for (Message<byte[]> message : Messages.receive(deadLetters, 10, DEAD_LETTER_WAIT)) {
                dead.add(new String(message.getValue(), StandardCharsets.UTF_8) + "#" + message.getKey());
                // and what the consumer adds to a dead letter
                assertEquals(NS + "poison-in", message.getProperty("REAL_TOPIC"));
                assertTrue(
                        message.getProperty("ORIGIN_MESSAGE_ID").matches("\\d+:\\d+:-?\\d+(:\\d+)?"),
                        message.getProperties().toString());
            }
            assertEquals(poison, dead);
        }
        FunctionStatus status = admin.functions().getFunctionStatus("public", "default", name);
        assertEquals(1, status.getNumRunning());
        Functions.delete(admin, name);
    }

    @Test
    void restartsAndCrashesMidStreamLoseNothing() throws Exception {
        admin.namespaces().createNamespace("public/once");
        admin.namespaces().setDeduplicationStatus("public/once", true);
        for (FunctionConfig.ProcessingGuarantees guarantee : List.of(
                FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE,
                FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE)) {
            String name = "doubler-" + guarantee.name().toLowerCase().replace('_', '-');
            String input = "persistent://public/once/" + name + "-in";
            String output = "persistent://public/once/" + name + "-out";
            FunctionConfig config = LongFunctions.config(name, DOUBLER, input, output, Map.of());
            config.setNamespace("once");
            config.setProcessingGuarantees(guarantee);
            admin.functions().createFunction(config, Artifacts.samplesNar().toString());
            List<Long> inputs = LongStream.rangeClosed(1, 10_000).boxed().toList();
            List<Long> received = new ArrayList<>();
            try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64);
                    // unbatched: effectively-once derives output sequence ids from input message ids
                    Producer<Long> producer = client.newProducer(Schema.INT64)
                            .topic(input)
                            .enableBatching(false)
                            .create()) {
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(producer, inputs));
                receiveUntil(outputs, received, 2_000);
                admin.functions().restartFunction("public", "once", name);
                receiveUntil(outputs, received, 5_000);
                if (guarantee == FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE) {
                    // Under EFFECTIVELY_ONCE a killed instance loses outputs in Pulsar 4.0.8: its successor's
                    // resends meet the broker's "cannot determine whether duplicate" and are dropped
                    // (see docs/operations.md, "Operating notes"); at-least-once is the guarantee that survives a
                    // crash.
                    assertEquals(1, pulsar.killFunctionInstances(name), "instance processes of " + name);
                }
                sending.get(2, TimeUnit.MINUTES);
                if (guarantee == FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE) {
                    receiveAll(outputs, received, inputs.size(), LIVENESS);
                } else {
                    receiveUntil(outputs, received, 2L * inputs.size(), LIVENESS);
                }
            }
            List<Long> expected = inputs.stream().map(x -> 2 * x).toList();
            if (guarantee == FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE) {
                // No duplicates, in order, nothing foreign. Completeness is Pulsar's to give, and 4.0.8 does not
                // always: see docs/operations.md, "Operating notes"; the count is reported here.
                for (int i = 1; i < received.size(); i++) {
                    assertTrue(
                            received.get(i) > received.get(i - 1),
                            "duplicate or reordered output at " + i + ": "
                                    + received.subList(Math.max(0, i - 2), i + 1));
                }
                assertTrue(expected.containsAll(received), "only doubled inputs");
                assertEquals(2L * inputs.size(), received.get(received.size() - 1));
            } else {
                assertEquals(new HashSet<>(expected), new HashSet<>(received), "at least once: no gaps, nothing else");
            }
            System.out.printf(
                    "[%s] %d distinct outputs for %d inputs (%d duplicates) across a restart%s%n",
                    name,
                    new HashSet<>(received).size(),
                    inputs.size(),
                    received.size() - new HashSet<>(received).size(),
                    guarantee == FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE ? " and a killed instance" : "");
        }
    }

    /**
     * The same effectively-once scenario — 10,000 unbatched inputs, a restart and a killed instance
     * mid-stream — for the wasm Doubler and a plain Java function with the same logic, side by side
     * on the same standalone: whatever the one loses that the other does not is the host's doing.
     */
    @Test
    void effectivelyOnceAcrossARestartAndAKillWasmAgainstJava() throws Exception {
        if (!admin.namespaces().getNamespaces("public").contains("public/eo")) {
            admin.namespaces().createNamespace("public/eo");
            admin.namespaces().setDeduplicationStatus("public/eo", true);
        }
        CompletableFuture<List<Long>> wasm = CompletableFuture.supplyAsync(() -> disrupted("eo-wasm", DOUBLER));
        CompletableFuture<List<Long>> java =
                CompletableFuture.supplyAsync(() -> disrupted("eo-java", "io.pulsarwasm.samples.JavaDoubler"));
        for (Map.Entry<String, List<Long>> run : Map.of(
                        "eo-wasm", wasm.get(10, TimeUnit.MINUTES), "eo-java", java.get(10, TimeUnit.MINUTES))
                .entrySet()) {
            List<Long> received = run.getValue();
            for (int i = 1; i < received.size(); i++) {
                assertTrue(
                        received.get(i) > received.get(i - 1),
                        run.getKey() + ": duplicate or reordered output at " + i + ": "
                                + received.subList(Math.max(0, i - 2), i + 1));
            }
            assertTrue(
                    received.stream().allMatch(x -> x % 2 == 0 && x >= 2 && x <= 20_000),
                    run.getKey() + ": only doubled inputs");
            System.out.printf(
                    "[%s] effectively-once across a restart and a kill: %d of 10000 outputs, %d lost%n",
                    run.getKey(), received.size(), 10_000 - received.size());
        }
    }

    private static final Object CREATING = new Object();

    /** Runs the scenario for one function class; returns its outputs, in arrival order. */
    private static List<Long> disrupted(String name, String className) {
        try {
            FunctionConfig config = LongFunctions.config(
                    name,
                    className,
                    "persistent://public/eo/" + name + "-in",
                    "persistent://public/eo/" + name + "-out",
                    Map.of());
            config.setNamespace("eo");
            config.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.EFFECTIVELY_ONCE);
            // One creation at a time: two first uploads into a fresh namespace race on its package log's
            // parent nodes in the worker's DistributedLog store ("Someone just created log", HTTP 500).
            synchronized (CREATING) {
                admin.functions().createFunction(config, Artifacts.samplesNar().toString());
            }
            List<Long> inputs = LongStream.rangeClosed(1, 10_000).boxed().toList();
            List<Long> received = new ArrayList<>();
            try (Consumer<Long> outputs =
                            Messages.subscribe(client, "persistent://public/eo/" + name + "-out", Schema.INT64);
                    Producer<Long> producer = client.newProducer(Schema.INT64)
                            .topic("persistent://public/eo/" + name + "-in")
                            .enableBatching(false)
                            .create()) {
                // all at once, so that both functions are busy, with outputs in flight, when disrupted
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    inputs.forEach(
                            value -> producer.newMessage().key("k").value(value).sendAsync());
                    producer.flushAsync().join();
                });
                receiveUntil(outputs, received, 2_000);
                admin.functions().restartFunction("public", "eo", name);
                receiveUntil(outputs, received, 5_000);
                assertEquals(1, pulsar.killFunctionInstances(name), "instance processes of " + name);
                sending.get(2, TimeUnit.MINUTES);
                receiveUntil(outputs, received, 20_000L, LIVENESS);
            } finally {
                admin.functions().deleteFunction("public", "eo", name);
            }
            return received;
        } catch (Exception e) {
            throw new IllegalStateException(name + ": " + e, e);
        }
    }

    @Test
    void runawayGuestDoesNotStopItsNeighbour() throws Exception {
        FunctionConfig runaway = LongFunctions.config(
                "runaway",
                LONG_FUNCTION,
                NS + "runaway-in",
                NS + "runaway-out",
                Map.of(
                        "wasm.module",
                        module("pulsar-wasm-engine/src/test/resources/wasm/faults.wasm"),
                        "wasm.timeout-ms",
                        300,
                        "wasm.max-memory-pages",
                        8));
        runaway.setMaxMessageRetries(1);
        runaway.setDeadLetterTopic(NS + "runaway-dlq");
        runaway.setTimeoutMs(RETRY_DELAY_MS);
        admin.functions().createFunction(runaway, Artifacts.genericNar().toString());
        admin.functions()
                .createFunction(
                        LongFunctions.config("bystander", DOUBLER, NS + "bystander-in", NS + "bystander-out", Map.of()),
                        Artifacts.samplesNar().toString());
        try (Consumer<Long> runawayOut = Messages.subscribe(client, NS + "runaway-out", Schema.INT64);
                Consumer<byte[]> runawayDlq = Messages.subscribe(client, NS + "runaway-dlq", Schema.BYTES);
                Consumer<Long> bystanderOut = Messages.subscribe(client, NS + "bystander-out", Schema.INT64)) {
            // an infinite loop and a memory bomb, then an ordinary message; unbatched, since a negative
            // acknowledgement redelivers (and dead-letters) a whole batch
            try (Producer<Long> producer = client.newProducer(Schema.INT64)
                    .topic(NS + "runaway-in")
                    .enableBatching(false)
                    .create()) {
                for (long value : List.of(11L, 12L, 11L, 12L, 5L)) {
                    producer.send(value);
                }
            }
            List<Long> inputs = LongStream.rangeClosed(1, 500).boxed().toList();
            LongFunctions.produce(client, NS + "bystander-in", inputs, value -> "b");
            assertEquals(
                    inputs.stream().map(x -> 2 * x).toList(),
                    Messages.values(Messages.receive(bystanderOut, 500, LIVENESS)));
            assertEquals(List.of(5L), Messages.values(Messages.receive(runawayOut, 1, LIVENESS)));
            // each fault fails twice (one retry), then lands on the dead-letter topic
            assertEquals(
                    List.of(11L, 11L, 12L, 12L),
                    Messages.receive(runawayDlq, 4, DEAD_LETTER_WAIT).stream()
                            .map(message -> Schema.INT64.decode(message.getValue()))
                            .sorted()
                            .toList());
        }
        Awaitility.await("runaway's recycles in its metrics")
                .atMost(LIVENESS)
                .until(() -> Double.valueOf(8.0)
                        .equals(admin.functions()
                                .getFunctionStats("public", "default", "runaway")
                                .getInstances()
                                .get(0)
                                .getMetrics()
                                .getUserMetrics()
                                .get("user_metric_wasm_instance_recycles_count")));
        assertEquals(
                1,
                admin.functions()
                        .getFunctionStatus("public", "default", "runaway")
                        .getNumRunning());
        String log = pulsar.functionLog("public", "default", "runaway");
        assertTrue(log.contains(
                "wasm module 'faults.wasm': export 'process' timed out after 300 ms (user config wasm.timeout-ms)"));
        assertTrue(log.contains("guest memory is at its limit of 8 pages (512 KiB)"));
        Functions.delete(admin, "runaway");
        Functions.delete(admin, "bystander");
    }

    /**
     * Three instances under at-least-once (Pulsar's default guarantee) share 30,000 messages: every
     * output arrives, each key's outputs first arrive in its inputs' order, every instance takes a
     * share. At-least-once allows a message to be processed again (a fresh run once saw one output
     * twice, 30 s after the rest, on a busy machine: a redelivery or a producer's resend), so a
     * repeat is allowed only as an exact copy of an output already seen, with its key, and at most
     * 1 % of them; the instances may count as many messages again.
     */
    @Test
    void threeInstancesShareThirtyThousandMessagesWithKeyOrder() throws Exception {
        String name = "doubler-x3";
        FunctionConfig config = LongFunctions.config(name, DOUBLER, NS + "x3-in", NS + "x3-out", Map.of());
        config.setParallelism(3);
        config.setRetainKeyOrdering(true);
        admin.functions().createFunction(config, Artifacts.samplesNar().toString());
        LongFunction<String> key = value -> "key-" + (value % 101);
        List<Long> inputs = LongStream.rangeClosed(1, 30_000).boxed().toList();
        Awaitility.await(name + " running 3 instances")
                .atMost(LIVENESS)
                .until(() -> admin.functions()
                                .getFunctionStatus("public", "default", name)
                                .getNumRunning()
                        == 3);
        List<Message<Long>> messages = new ArrayList<>();
        try (Consumer<Long> outputs = Messages.subscribe(client, NS + "x3-out", Schema.INT64)) {
            LongFunctions.produce(client, NS + "x3-in", inputs, key);
            receiveAllMessages(outputs, messages, new HashSet<>(), inputs.size(), LIVENESS);
        }
        Map<String, List<Long>> firstArrivals = new java.util.LinkedHashMap<>();
        Set<Long> seen = new HashSet<>();
        List<String> repeats = new ArrayList<>();
        for (Message<Long> message : messages) {
            if (seen.add(message.getValue())) {
                firstArrivals
                        .computeIfAbsent(message.getKey(), k -> new ArrayList<>())
                        .add(message.getValue());
            } else {
                // a repeat is a copy: its key is the one its input was sent with
                assertEquals(key.apply(message.getValue() / 2), message.getKey(), "repeat of " + message.getValue());
                repeats.add(message.getKey() + "=" + message.getValue());
            }
        }
        assertEquals(Outputs.expectedByKey(inputs, key, x -> 2 * x), firstArrivals);
        assertTrue(repeats.size() <= inputs.size() / 100, repeats.size() + " repeated outputs: " + repeats);
        System.out.println("[" + name + "] " + messages.size() + " outputs, repeated: " + repeats);
        Awaitility.await("per-instance counts of " + name).atMost(LIVENESS).untilAsserted(() -> {
            List<Long> perInstance =
                    admin.functions().getFunctionStatus("public", "default", name).getInstances().stream()
                            .map(instance -> instance.getStatus().getNumReceived())
                            .toList();
            long received = perInstance.stream().mapToLong(Long::longValue).sum();
            // a message delivered again counts again, even where its repeated output came after the drain
            assertTrue(
                    received >= 30_000L && received <= 30_000L + inputs.size() / 100,
                    received + " received for 30000 inputs (" + repeats.size() + " repeated outputs seen): "
                            + perInstance);
            assertTrue(perInstance.stream().allMatch(count -> count > 0), perInstance.toString());
            System.out.println("[" + name + "] messages per instance: " + perInstance);
        });
        Functions.delete(admin, name);
    }

    /**
     * Receives until {@code distinct} different values have arrived (counting those {@code seen}
     * before), then for as long as more keep coming (5 s of quiet), so that repeats are seen too.
     */
    private static void receiveAllMessages(
            Consumer<Long> consumer, List<Message<Long>> received, Set<Long> seen, int distinct, Duration atMost)
            throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (seen.size() < distinct) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "after " + atMost + ": " + seen.size() + " of " + distinct + " distinct outputs");
            }
            Message<Long> message = consumer.receive(1, TimeUnit.SECONDS);
            if (message != null) {
                consumer.acknowledge(message);
                received.add(message);
                seen.add(message.getValue());
            }
        }
        for (Message<Long> message = consumer.receive(5, TimeUnit.SECONDS);
                message != null;
                message = consumer.receive(5, TimeUnit.SECONDS)) {
            consumer.acknowledge(message);
            received.add(message);
        }
    }

    private static String module(String pathInRepo) {
        return "file://" + pulsar.visibleToWorker(Artifacts.repoDir().resolve(pathInRepo));
    }

    private static void send(Producer<Long> producer, List<Long> values) {
        try {
            for (int i = 0; i < values.size(); i++) {
                producer.newMessage().key("k").value(values.get(i)).sendAsync();
                if (i % 500 == 499) {
                    producer.flush();
                    Thread.sleep(250);
                }
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void receiveUntil(Consumer<Long> consumer, List<Long> received, int count) throws Exception {
        while (received.size() < count) {
            Message<Long> message = consumer.receive(2, TimeUnit.MINUTES);
            if (message == null) {
                throw new AssertionError("stalled at " + received.size() + " outputs");
            }
            consumer.acknowledge(message);
            received.add(message.getValue());
        }
    }

    /** Receives (in order, as effectively-once delivers) until the output of the last input has arrived. */
    private static void receiveUntil(Consumer<Long> consumer, List<Long> received, long last, Duration atMost)
            throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (received.isEmpty() || received.get(received.size() - 1) != last) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + atMost + ": " + received.size() + " outputs, not yet " + last);
            }
            Message<Long> message = consumer.receive(1, TimeUnit.SECONDS);
            if (message != null) {
                consumer.acknowledge(message);
                received.add(message.getValue());
            }
        }
    }

    /**
     * Receives until every expected output has arrived at least once (a killed instance is restarted
     * by the worker's liveness check, up to 30 s later), then for as long as more keep coming, so
     * that duplicates are seen too.
     */
    private static void receiveAll(Consumer<Long> consumer, List<Long> received, int distinct, Duration atMost)
            throws Exception {
        List<Message<Long>> messages = new ArrayList<>();
        receiveAllMessages(consumer, messages, new HashSet<>(received), distinct, atMost);
        messages.forEach(message -> received.add(message.getValue()));
    }
}
