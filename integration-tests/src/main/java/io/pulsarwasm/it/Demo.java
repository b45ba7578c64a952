package io.pulsarwasm.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * The demo: deploys the PIP-331 sample (a Doubler written in WAT, bundled in the samples NAR) on
 * a real Pulsar, sends it numbers and prints what comes out. Uses {@code PULSAR_SERVICE_URL} and
 * {@code PULSAR_ADMIN_URL} when both are set; otherwise starts a local standalone and stops it after.
 */
public final class Demo {

    private Demo() {}

    /**
     * Runs the demo.
     *
     * @param args unused
     */
    public static void main(String[] args) throws Exception {
        String serviceUrl = System.getenv("PULSAR_SERVICE_URL");
        String adminUrl = System.getenv("PULSAR_ADMIN_URL");
        PulsarCluster local = null;
        if (serviceUrl == null || adminUrl == null) {
            System.out.println(
                    "Starting a local Pulsar standalone (set PULSAR_SERVICE_URL and PULSAR_ADMIN_URL to use yours)...");
            local = StandalonePulsar.start(Artifacts.pulsarHome(), Artifacts.workDir());
            serviceUrl = local.serviceUrl();
            adminUrl = local.adminUrl();
        }
        System.out.println("Pulsar: " + serviceUrl + " / " + adminUrl);
        String name = "wasm-demo-doubler";
        String run = Long.toString(System.currentTimeMillis(), 36);
        String input = "persistent://public/default/wasm-demo-in-" + run;
        String output = "persistent://public/default/wasm-demo-out-" + run;
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl).build();
                PulsarClient client =
                        PulsarClient.builder().serviceUrl(serviceUrl).build();
                Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64)) {
            Functions.delete(admin, name);
            long start = System.currentTimeMillis();
            admin.functions()
                    .createFunction(
                            LongFunctions.config(name, "io.pulsarwasm.samples.Doubler", input, output, Map.of()),
                            Artifacts.samplesNar().toString());
            System.out.println(
                    "Deployed " + name + " from " + Artifacts.samplesNar().getFileName()
                            + " (module io.pulsarwasm.samples.Doubler.wasm, built from wasm-samples/wat/doubler.wat)");
            List<Long> inputs =
                    LongStream.rangeClosed(1, 10).map(i -> i * 7).boxed().toList();
            LongFunctions.produce(client, input, inputs, value -> "demo");
            List<Message<Long>> results = Messages.receive(outputs, inputs.size(), Duration.ofMinutes(3));
            System.out.println("input -> output (" + input + " -> " + output + ")");
            for (int i = 0; i < inputs.size(); i++) {
                System.out.printf("%5d -> %d%n", inputs.get(i), results.get(i).getValue());
            }
            System.out.printf(
                    "First output %d ms after functions create.%n",
                    results.get(0).getPublishTime() - start);
            Functions.delete(admin, name);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }
}
