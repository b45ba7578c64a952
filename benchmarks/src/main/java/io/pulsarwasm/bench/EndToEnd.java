package io.pulsarwasm.bench;

import io.pulsarwasm.it.Artifacts;
import io.pulsarwasm.it.Functions;
import io.pulsarwasm.it.LongFunctions;
import io.pulsarwasm.it.Messages;
import io.pulsarwasm.it.StandalonePulsar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * End to end on a real Pulsar standalone (the integration suite's fixture): the same messages
 * through the Java doubler and the wasm doubler (runtime-compiled) on the same broker, alternately,
 * twice each, keeping the second pass of each so neither profits from a warmer broker; throughput,
 * and per-message latency from the producer's send to the consumer's receipt of its output.
 */
final class EndToEnd {

    /** One function's figures. */
    record Result(String function, int messages, double throughputPerSecond, long p50Millis, long p99Millis) {}

    private EndToEnd() {}

    static List<Result> run(int messages) throws Exception {
        List<Result> results = new ArrayList<>();
        try (StandalonePulsar pulsar = StandalonePulsar.start(Artifacts.pulsarHome(), Artifacts.workDir());
                PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build();
                PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build()) {
            List<String> functions = List.of("io.pulsarwasm.samples.JavaDoubler", "io.pulsarwasm.samples.Doubler");
            for (int pass = 0; pass < 2; pass++) {
                for (String className : functions) {
                    Result result = measure(admin, client, className, messages, pass);
                    if (pass == 1) {
                        results.add(result);
                    }
                }
            }
        }
        return results;
    }

    private static Result measure(PulsarAdmin admin, PulsarClient client, String className, int messages, int pass)
            throws Exception {
        String name = className.substring(className.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) + "-" + pass;
        String input = "persistent://public/default/e2e-" + name + "-in";
        String output = "persistent://public/default/e2e-" + name + "-out";
        admin.functions().createFunction(LongFunctions.config(name, className, input, output, Map.of()),
                Artifacts.samplesNar().toString());
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64);
                Producer<Long> producer = client.newProducer(Schema.INT64).topic(input).create()) {
            // warm-up: the instance is up and its first messages are through
            producer.send(-1L);
            outputs.acknowledge(outputs.receive(3, TimeUnit.MINUTES));
            long[] sentAt = new long[messages];
            long start = System.nanoTime();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    sentAt[i] = System.nanoTime();
                    producer.sendAsync((long) i);
                }
            });
            sender.start();
            long[] latencies = new long[messages];
            for (int i = 0; i < messages; i++) {
                Message<Long> message = outputs.receive(2, TimeUnit.MINUTES);
                if (message == null) {
                    throw new IllegalStateException(name + ": received " + i + " of " + messages);
                }
                latencies[i] = System.nanoTime() - sentAt[(int) (message.getValue() / 2)];
                outputs.acknowledge(message);
            }
            sender.join();
            double seconds = Duration.ofNanos(System.nanoTime() - start).toNanos() / 1e9;
            for (int i = 0; i < messages; i++) {
                latencies[i] = TimeUnit.NANOSECONDS.toMillis(latencies[i]);
            }
            Arrays.sort(latencies);
            return new Result(className, messages, messages / seconds,
                    latencies[messages / 2], latencies[(int) (messages * 0.99)]);
        } finally {
            Functions.delete(admin, name);
        }
    }
}
