package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The non-Java path: the project's generic NAR plus a module of the user's own named by
 * {@code wasm.module}, deployed through the {@code PulsarAdmin} Java API.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(2) // the order the two workers take the classes in (integration-tests/pom.xml)
class GenericNarIT extends RealPulsarTest {

    private static final LongFunction<String> KEY = value -> "k" + (value % 5);

    @Test
    void rustModuleFromAFileRunsWithUserConfigAndLogsThroughTheContext() throws Exception {
        String name = "scaler-generic";
        String input = "persistent://public/default/scaler-in";
        String output = "persistent://public/default/scaler-out";
        String module = "file://" + pulsar.visibleToWorker(Artifacts.sample("scaler.wasm"));
        List<Long> inputs = LongStream.rangeClosed(1, 1000).boxed().toList();
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64)) {
            long createdAt = System.currentTimeMillis();
            admin.functions()
                    .createFunction(
                            scaler(name, input, output, module, 3),
                            Artifacts.genericNar().toString());
            LongFunctions.produce(client, input, inputs, KEY);

            List<Message<Long>> messages = Messages.receive(outputs, 1000, LIVENESS);

            assertEquals(Outputs.expectedByKey(inputs, KEY, x -> 3 * x + 1), Outputs.actualByKey(messages));
            System.out.printf(
                    "[scaler-generic] functions create -> first output: %d ms%n",
                    messages.get(0).getPublishTime() - createdAt);
            awaitLogLine(name, "scaler ready: factor=3 offset=1");

            // Every input acknowledged, so the restarted instance starts after them.
            Awaitility.await("input backlog of " + name)
                    .atMost(LIVENESS)
                    .until(() -> admin.topics()
                                    .getStats(input)
                                    .getSubscriptions()
                                    .get("public/default/" + name)
                                    .getMsgBacklog()
                            == 0);
            admin.functions()
                    .updateFunction(
                            scaler(name, input, output, module, 5),
                            Artifacts.genericNar().toString());
            awaitLogLine(name, "scaler ready: factor=5 offset=1");
            LongFunctions.produce(client, input, List.of(100L, 200L), KEY);

            assertEquals(
                    List.of(501L, 1001L),
                    Messages.receive(outputs, 2, LIVENESS).stream()
                            .map(Message::getValue)
                            .toList());
        } finally {
            Functions.delete(admin, name);
        }
    }

    /** The README's function config file, deployed with {@code pulsar-admin functions create --function-config-file}. */
    @Test
    void aFunctionConfigFileDeploysTheGenericNarWithItsModule(@TempDir Path dir) throws Exception {
        String name = "enricher-yaml";
        String input = "persistent://public/default/enricher-yaml-in";
        String output = "persistent://public/default/enricher-yaml-out";
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(
                yaml,
                String.join(
                        "\n",
                        "tenant: public",
                        "namespace: default",
                        "name: " + name,
                        "className: " + STRING_FUNCTION,
                        "inputs:",
                        "  - " + input,
                        "output: " + output,
                        "subscriptionPosition: Earliest",
                        "userConfig:",
                        "  wasm.module: file://" + pulsar.visibleToWorker(Artifacts.sample("enricher.wasm")),
                        "  prefix: 'yaml says: '",
                        ""));
        try (Consumer<String> outputs = Messages.subscribe(client, output, Schema.STRING)) {
            pulsar.pulsarAdmin(
                            "functions",
                            "create",
                            "--function-config-file",
                            pulsar.visibleToWorker(yaml),
                            "--jar",
                            pulsar.visibleToWorker(Artifacts.genericNar()))
                    .orFail("functions create " + name);
            try (Producer<String> producer =
                    client.newProducer(Schema.STRING).topic(input).create()) {
                producer.send("hello");
                producer.send("wasm");
            }
            assertEquals(
                    List.of("yaml says: hello", "yaml says: wasm"),
                    Messages.values(Messages.receive(outputs, 2, LIVENESS)));
        } finally {
            Functions.delete(admin, name);
        }
    }

    /**
     * {@code pulsar-admin functions localrun} with the generic NAR and a module: the function runs in
     * a process of its own, the way a user tries one before deploying it.
     */
    @Test
    void theGenericNarRunsUnderLocalrun() throws Exception {
        String name = "enricher-localrun";
        String input = "persistent://public/default/" + name + "-in";
        String output = "persistent://public/default/" + name + "-out";
        String config = "{\"wasm.module\":\"file://" + pulsar.visibleToWorker(Artifacts.sample("enricher.wasm"))
                + "\",\"prefix\":\"local: \"}";
        try (Consumer<String> outputs = Messages.subscribe(client, output, Schema.STRING);
                Producer<String> producer =
                        client.newProducer(Schema.STRING).topic(input).create()) {
            CompletableFuture<CommandResult> run = CompletableFuture.supplyAsync(() -> pulsar.localRun(
                    Duration.ofMinutes(5),
                    "--jar",
                    pulsar.visibleToWorker(Artifacts.genericNar()),
                    "--classname",
                    STRING_FUNCTION,
                    "--tenant",
                    "public",
                    "--namespace",
                    "default",
                    "--name",
                    name,
                    "--inputs",
                    input,
                    "--output",
                    output,
                    "--subs-position",
                    "Earliest",
                    "--user-config",
                    config,
                    "--runtime",
                    "PROCESS"));
            producer.send("hello");
            producer.send("wasm");
            List<String> answers;
            try {
                answers = Messages.values(Messages.receive(outputs, 2, Duration.ofMinutes(4)));
            } catch (IllegalStateException e) {
                CommandResult failed = run.get(3, TimeUnit.MINUTES);
                throw new AssertionError(
                        e.getMessage() + "\nlocalrun printed:\n" + failed.stdout() + failed.stderr(), e);
            }
            assertEquals(List.of("local: hello", "local: wasm"), answers);
            // answered, and still running (it did not fail on its own): stop it now, not at its time limit
            assertTrue(
                    !run.isDone(),
                    () -> "localrun ended on its own:\n" + run.join().stdout()
                            + run.join().stderr());
            pulsar.stopLocalRun(name);
            run.get(3, TimeUnit.MINUTES);
        }
    }

    /**
     * A module replaced by a new version ({@code functions update} with another {@code
     * wasm.module}) while messages flow: every input is answered, by one version or the other,
     * and once the new version has answered, the old one answers no more.
     */
    @Test
    void aModuleReplacedWhileMessagesFlowLosesNoMessage() throws Exception {
        String name = "rolling-update";
        String input = "persistent://public/default/" + name + "-in";
        String output = "persistent://public/default/" + name + "-out";
        // version 1: 1000x + 1 (odd); version 2, another module: 2x (even)
        FunctionConfig v1 = LongFunctions.config(
                name,
                LONG_FUNCTION,
                input,
                output,
                Map.of(
                        "wasm.module",
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("scaler.wasm")),
                        "factor",
                        1000,
                        "offset",
                        1));
        FunctionConfig v2 = LongFunctions.config(
                name,
                LONG_FUNCTION,
                input,
                output,
                Map.of(
                        "wasm.module",
                        "file://" + pulsar.visibleToWorker(Artifacts.sample("io.pulsarwasm.samples.Doubler.wasm"))));
        int count = 20_000;
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64);
                Producer<Long> producer =
                        client.newProducer(Schema.INT64).topic(input).create()) {
            admin.functions().createFunction(v1, Artifacts.genericNar().toString());
            List<CompletableFuture<?>> sends = new java.util.ArrayList<>(count);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (long i = 1; i <= count; i++) {
                    sends.add(producer.sendAsync(i));
                    if (i % 100 == 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // about 2,000 a second
                    }
                }
                producer.flushAsync().join();
            });
            java.util.Set<Long> answered = new java.util.HashSet<>();
            int duplicates = 0;
            int oldAfterNew = 0;
            boolean newSeen = false;
            boolean updated = false;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (answered.size() < count && System.nanoTime() < deadline) {
                Message<Long> message = outputs.receive(10, TimeUnit.SECONDS);
                if (message == null) {
                    continue;
                }
                outputs.acknowledge(message);
                long value = message.getValue();
                boolean fromNew = value % 2 == 0;
                newSeen |= fromNew;
                oldAfterNew += newSeen && !fromNew ? 1 : 0;
                if (!answered.add(fromNew ? value / 2 : (value - 1) / 1000)) {
                    duplicates++;
                }
                if (!updated && answered.size() >= 3000) {
                    updated = true;
                    admin.functions().updateFunction(v2, Artifacts.genericNar().toString());
                }
            }
            sending.get(1, TimeUnit.MINUTES);
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(1, TimeUnit.MINUTES); // every input sent
            System.out.printf(
                    "[rolling-update] %d of %d inputs answered, %d duplicates (at-least-once allows them)%n",
                    answered.size(), count, duplicates);
            assertEquals(count, answered.size(), "inputs answered");
            assertEquals(LongStream.rangeClosed(1, count).boxed().collect(Collectors.toSet()), answered);
            assertTrue(newSeen, "the new version answered");
            assertEquals(0, oldAfterNew, "answers of the old version after the new one's first");
        } finally {
            Functions.delete(admin, name);
        }
    }

    private static FunctionConfig scaler(String name, String input, String output, String module, int factor) {
        return LongFunctions.config(
                name, LONG_FUNCTION, input, output, Map.of("wasm.module", module, "factor", factor, "offset", 1));
    }

    private static void awaitLogLine(String name, String line) {
        Awaitility.await("'" + line + "' in the log of " + name)
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", name).contains(line));
    }
}
