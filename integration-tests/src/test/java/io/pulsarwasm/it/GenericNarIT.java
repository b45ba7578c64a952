package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
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
            admin.functions().createFunction(scaler(name, input, output, module, 3), Artifacts.genericNar().toString());
            LongFunctions.produce(client, input, inputs, KEY);

            List<Message<Long>> messages = Messages.receive(outputs, 1000, Duration.ofMinutes(2));

            assertEquals(Outputs.expectedByKey(inputs, KEY, x -> 3 * x + 1), Outputs.actualByKey(messages));
            System.out.printf("[scaler-generic] functions create -> first output: %d ms%n",
                    messages.get(0).getPublishTime() - createdAt);
            awaitLogLine(name, "scaler ready: factor=3 offset=1");

            // Every input acknowledged, so the restarted instance starts after them.
            Awaitility.await("input backlog of " + name).atMost(Duration.ofSeconds(60)).until(() ->
                    admin.topics().getStats(input).getSubscriptions().get("public/default/" + name).getMsgBacklog() == 0);
            admin.functions().updateFunction(scaler(name, input, output, module, 5), Artifacts.genericNar().toString());
            awaitLogLine(name, "scaler ready: factor=5 offset=1");
            LongFunctions.produce(client, input, List.of(100L, 200L), KEY);

            assertEquals(List.of(501L, 1001L), Messages.receive(outputs, 2, Duration.ofMinutes(2)).stream()
                    .map(Message::getValue).toList());
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
        Files.writeString(yaml, String.join("\n",
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
            pulsar.pulsarAdmin("functions", "create", "--function-config-file", pulsar.visibleToWorker(yaml),
                    "--jar", pulsar.visibleToWorker(Artifacts.genericNar())).orFail("functions create " + name);
            try (Producer<String> producer = client.newProducer(Schema.STRING).topic(input).create()) {
                producer.send("hello");
                producer.send("wasm");
            }
            assertEquals(List.of("yaml says: hello", "yaml says: wasm"),
                    Messages.values(Messages.receive(outputs, 2, Duration.ofMinutes(2))));
        } finally {
            Functions.delete(admin, name);
        }
    }

    private static FunctionConfig scaler(String name, String input, String output, String module, int factor) {
        return LongFunctions.config(name, LONG_FUNCTION, input, output,
                Map.of("wasm.module", module, "factor", factor, "offset", 1));
    }

    private static void awaitLogLine(String name, String line) {
        Awaitility.await("'" + line + "' in the log of " + name).atMost(Duration.ofSeconds(90))
                .until(() -> pulsar.functionLog("public", "default", name).contains(line));
    }
}
