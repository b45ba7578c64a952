package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PIP-331 as a Java developer uses it: a class extending WasmFunction with its module bundled in
 * the same NAR, deployed with Pulsar's own {@code bin/pulsar-admin}, on {@code Schema.INT64} topics.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(21) // the order the two workers take the classes in (integration-tests/pom.xml)
class PipStyleFunctionIT extends RealPulsarTest {

    private static final LongFunction<String> KEY = value -> "key-" + (value % 7);

    @Test
    void cliDeployedNarDoublesThousandInt64ValuesInOrderPerKey() throws Exception {
        String name = "doubler-cli";
        String input = "persistent://public/default/doubler-cli-in";
        String output = "persistent://public/default/doubler-cli-out";
        List<Long> inputs = LongStream.rangeClosed(1, 1000).boxed().toList();
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64)) {
            long createdAt = System.currentTimeMillis();
            assertEquals(
                    "Created successfully",
                    createWithCli(name, input, output).stdout().trim());
            LongFunctions.produce(client, input, inputs, KEY);

            List<Message<Long>> messages = Messages.receive(outputs, 1000, LIVENESS);

            assertEquals(Outputs.expectedByKey(inputs, KEY, x -> 2 * x), Outputs.actualByKey(messages));
            System.out.printf(
                    "[doubler-cli] functions create -> first output: %d ms%n",
                    messages.get(0).getPublishTime() - createdAt);
        }
        Awaitility.await("functions status of " + name).atMost(LIVENESS).untilAsserted(() -> {
            String status = pulsar.pulsarAdmin(
                            "functions", "status", "--tenant", "public", "--namespace", "default", "--name", name)
                    .orFail("functions status")
                    .stdout();
            assertEquals(1, field(status, "numRunning"), status);
            assertEquals(1000, field(status, "numReceived"), status);
            assertEquals(1000, field(status, "numSuccessfullyProcessed"), status);
            assertEquals(0, field(status, "numUserExceptions"), status);
            assertEquals(0, field(status, "numSystemExceptions"), status);
        });
        Awaitility.await("module line in the log of " + name)
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", name)
                        .contains("pulsar-wasm: loaded module 'io.pulsarwasm.samples.Doubler.wasm' for " + name));
    }

    @Test
    void deletedFunctionCanBeCreatedAgainUnderTheSameName() throws Exception {
        String name = "doubler-again";
        String input = "persistent://public/default/doubler-again-in";
        String output = "persistent://public/default/doubler-again-out";
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64)) {
            createWithCli(name, input, output);
            LongFunctions.produce(client, input, List.of(1L, 2L, 3L), KEY);
            assertEquals(List.of(2L, 4L, 6L), Messages.values(Messages.receive(outputs, 3, LIVENESS)));

            assertEquals(
                    "Deleted successfully",
                    pulsar.pulsarAdmin(
                                    "functions",
                                    "delete",
                                    "--tenant",
                                    "public",
                                    "--namespace",
                                    "default",
                                    "--name",
                                    name)
                            .orFail("functions delete")
                            .stdout()
                            .trim());
            // apache/pulsar#20930: a standalone may keep the function's package, which blocks the name.
            String kept = "function://public/default/" + name + "@0";
            // (through the admin API: a CLI call is a JVM start; the CLI's own create and delete are this test's
            // subject)
            if (admin.packages()
                    .listPackageVersions("function://public/default/" + name)
                    .contains(kept)) {
                admin.packages().delete(kept);
            }

            assertEquals(
                    "Created successfully",
                    createWithCli(name, input, output).stdout().trim());
            LongFunctions.produce(client, input, List.of(10L, 20L), KEY);
            // Deleting a function deletes its subscription: the new one reads the topic from the start.
            assertEquals(List.of(2L, 4L, 6L, 20L, 40L), Messages.values(Messages.receive(outputs, 5, LIVENESS)));
        }
    }

    private CommandResult createWithCli(String name, String input, String output) {
        return pulsar.pulsarAdmin(
                        "functions",
                        "create",
                        "--jar",
                        pulsar.visibleToWorker(Artifacts.samplesNar()),
                        "--classname",
                        DOUBLER,
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
                        "--custom-schema-inputs",
                        "{\"" + input + "\":\"{\\\"schemaType\\\":\\\"" + LongFunctions.INT64_SCHEMA + "\\\"}\"}",
                        "--schema-type",
                        LongFunctions.INT64_SCHEMA,
                        "--subs-position",
                        "Earliest")
                .orFail("functions create " + name);
    }

    private static long field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return Long.parseLong(matcher.group(1));
    }
}
