package io.pulsarwasm.bench;

import io.pulsarwasm.it.Artifacts;
import io.pulsarwasm.it.JvmProbe;
import io.pulsarwasm.it.Messages;
import io.pulsarwasm.it.StandalonePulsar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;

/**
 * How many function instances fit in one worker: a thread-runtime standalone with a 4 GiB heap,
 * into which N identical functions are deployed one after another (N in steps, e.g. 50, 100, 200,
 * 400), each step measured idle (after full collections, over JMX: heap, metaspace, loaded classes,
 * threads) and then busy (every function reading the same input topic, so {@code K} inputs make
 * {@code N × K} outputs). Each kind of function gets a fresh standalone: a plain Java function
 * (Pulsar's {@code ExclamationFunction}), the generic NAR with a wasm module (each instance loads
 * the engine in its own class loader), and the same NAR installed once as a built-in function
 * ({@code builtin://wasm}, one class loader per worker JVM for every instance).
 */
final class Density {

    /** One step's figures, relative to the standalone before any function of the kind. */
    record Step(
            String kind,
            int instances,
            double heapMiBPerInstance,
            double metaspaceMiBPerInstance,
            double classesPerInstance,
            double threadsPerInstance,
            double busyMessagesPerSecond,
            double deploySecondsPerFunction) {}

    /** A kind of function: how to deploy the i-th. */
    private record Kind(String name, String jar, String className, Map<String, Object> userConfig, boolean builtin) {}

    private static final String NS = "persistent://public/default/";
    private static final String INPUT = NS + "density-in";
    private static final String OUTPUT = NS + "density-out";
    private static final Duration LIVENESS = Duration.ofMinutes(10);

    private Density() {}

    /**
     * Runs every kind through the steps.
     *
     * @param steps instance counts, ascending
     * @param busyInputs inputs sent at each step's busy phase (each makes one output per instance)
     * @return one row per kind and step
     */
    static List<Step> run(List<Integer> steps, int busyInputs) throws Exception {
        String module = "file://" + Artifacts.sample("relay.wasm").toAbsolutePath();
        List<Kind> kinds = List.of(
                new Kind(
                        "Java (ExclamationFunction)",
                        Artifacts.pulsarHome()
                                .resolve("examples/api-examples.jar")
                                .toString(),
                        "org.apache.pulsar.functions.api.examples.ExclamationFunction",
                        Map.of(),
                        false),
                new Kind(
                        "wasm, generic NAR per function",
                        Artifacts.genericNar().toString(),
                        "io.pulsarwasm.function.WasmStringFunction",
                        Map.of("wasm.module", module),
                        false),
                new Kind(
                        "wasm, built-in (builtin://wasm)",
                        "builtin://wasm",
                        "io.pulsarwasm.function.WasmStringFunction",
                        Map.of("wasm.module", module),
                        true));
        List<Step> rows = new ArrayList<>();
        for (Kind kind : kinds) {
            rows.addAll(run(kind, steps, busyInputs));
        }
        return rows;
    }

    private static List<Step> run(Kind kind, List<Integer> steps, int busyInputs) throws Exception {
        List<Step> rows = new ArrayList<>();
        Path workDir = Artifacts.workDir().resolveSibling("density-standalone");
        try (StandalonePulsar pulsar = StandalonePulsar.start(
                        Artifacts.pulsarHome(),
                        workDir,
                        StandalonePulsar.FunctionRuntime.THREAD,
                        "-Xms1g -Xmx4g -XX:MaxDirectMemorySize=2g",
                        kind.builtin() ? List.of(Artifacts.genericNar()) : List.of());
                PulsarAdmin admin =
                        PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build();
                PulsarClient client =
                        PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
                JvmProbe jvm = pulsar.jvm();
                Consumer<String> outputs = Messages.subscribe(client, OUTPUT, Schema.STRING);
                Producer<String> inputs =
                        client.newProducer(Schema.STRING).topic(INPUT).create()) {
            JvmProbe.Snapshot before = jvm.settle();
            long metaspaceBefore = jvm.metaspaceUsed();
            int threadsBefore = jvm.threadCount();
            int deployed = 0;
            for (int target : steps) {
                long deployStart = System.nanoTime();
                int first = deployed;
                for (; deployed < target; deployed++) {
                    deploy(admin, kind, "density-" + deployed);
                }
                int count = deployed;
                // every instance is up once the input topic has a subscription for each
                Awaitility.await(count + " functions subscribed to " + INPUT)
                        .atMost(LIVENESS)
                        .pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .until(() -> admin.topics()
                                        .getStats(INPUT)
                                        .getSubscriptions()
                                        .size()
                                >= count);
                double deploySeconds = (System.nanoTime() - deployStart) / 1e9 / (count - first);
                JvmProbe.Snapshot idle = jvm.settle();
                long metaspace = jvm.metaspaceUsed();
                int threads = jvm.threadCount();

                busy(inputs, outputs, count, Math.max(1, busyInputs / 2)); // unmeasured: new instances warm up
                double seconds = busy(inputs, outputs, count, busyInputs);

                Step step = new Step(
                        kind.name(),
                        count,
                        (idle.heapUsed() - before.heapUsed()) / (1024.0 * 1024.0) / count,
                        (metaspace - metaspaceBefore) / (1024.0 * 1024.0) / count,
                        (idle.loadedClasses() - before.loadedClasses()) / (double) count,
                        (threads - threadsBefore) / (double) count,
                        count * busyInputs / seconds,
                        deploySeconds);
                System.out.println("Density: " + step);
                rows.add(step);
            }
        } catch (RuntimeException e) {
            // "until it fails": the rows so far stand, and the reason is printed
            System.out.println("Density: " + kind.name() + " stopped: " + e);
        }
        return rows;
    }

    /**
     * Sends inputs and times until every instance has answered every one; then checks that no
     * more outputs come (untimed).
     *
     * @return the seconds from the first send to the last expected output
     */
    private static double busy(Producer<String> inputs, Consumer<String> outputs, int instances, int count)
            throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<MessageId>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(inputs.sendAsync("m" + i));
        }
        inputs.flush();
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        for (int received = 0; received < instances * count; received++) {
            Message<String> message = outputs.receive((int) LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IllegalStateException(
                        "received " + received + " of " + instances * count + " outputs; none more within " + LIVENESS);
            }
            outputs.acknowledge(message);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Message<String> extra = outputs.receive(2, TimeUnit.SECONDS);
        if (extra != null) {
            throw new IllegalStateException("more than " + instances * count + " outputs: " + extra.getValue());
        }
        return seconds;
    }

    private static void deploy(PulsarAdmin admin, Kind kind, String name) throws Exception {
        FunctionConfig config = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(kind.className())
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputs(List.of(INPUT))
                .output(OUTPUT)
                .userConfig(kind.userConfig())
                .build();
        if (kind.builtin()) {
            config.setJar(kind.jar());
            admin.functions().createFunction(config, null);
        } else {
            admin.functions().createFunction(config, kind.jar());
        }
    }

    /**
     * @param rows the steps
     * @return a markdown table of them
     */
    static String markdown(List<Step> rows) {
        StringBuilder out = new StringBuilder("""
                | function | instances | heap / instance | metaspace / instance | classes / instance | threads / instance | busy, all instances | deploy / function |
                | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
                """);
        for (Step row : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.2f MiB | %.2f MiB | %.0f | %.2f | %,.0f msg/s | %.2f s |%n",
                    row.kind(),
                    row.instances(),
                    row.heapMiBPerInstance(),
                    row.metaspaceMiBPerInstance(),
                    row.classesPerInstance(),
                    row.threadsPerInstance(),
                    row.busyMessagesPerSecond(),
                    row.deploySecondsPerFunction()));
        }
        return out.toString();
    }
}
