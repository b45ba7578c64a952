package io.pulsarwasm.it;

import static io.pulsarwasm.it.RealPulsarTest.LIVENESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.policies.data.FunctionStatus;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The generic NAR under Pulsar's thread runtime, where function instances are threads of the
 * worker's own JVM: exact outputs, a runaway guest stopped by its deadline without harming the
 * worker, and create/delete cycles that leave no classes, threads or heap behind (the NAR's class
 * loader must become unloadable once its function is deleted). Its own standalone, not the shared
 * (process runtime) one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.Order(24) // the order the two workers take the classes in (integration-tests/pom.xml)
class ThreadRuntimeIT {

    private static final String NS = RealPulsarTest.NS;
    private static final String WATCHDOG = "pulsar-wasm-watchdog";
    private static final int CYCLES = 20;
    private static final long MIB = 1024L * 1024L;

    private static StandalonePulsar pulsar;
    private static PulsarClient client;
    private static PulsarAdmin admin;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    static void startThreadRuntimeStandalone() throws Exception {
        pulsar = StandalonePulsar.start(
                Artifacts.pulsarHome(),
                Artifacts.workDir().resolveSibling("standalone-thread"),
                StandalonePulsar.FunctionRuntime.THREAD,
                StandalonePulsar.DEFAULT_MEMORY,
                // the generic NAR as the worker's built-in function "wasm" (docs/operations.md, "Many functions in one
                // worker")
                List.of(Artifacts.genericNar()));
        client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
        admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (pulsar != null) {
            pulsar.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void scalerAndEnricherRunAsWorkerThreadsWithExactOutputs() throws Exception {
        String name = "thread-scaler";
        LongFunction<String> key = value -> "k" + (value % 7);
        List<Long> inputs = LongStream.rangeClosed(1, 200).boxed().toList();
        try (Consumer<Long> outputs = Messages.subscribe(client, NS + "thread-scaler-out", Schema.INT64);
                JvmProbe jvm = pulsar.jvm()) {
            admin.functions()
                    .createFunction(
                            scaler(name, NS + "thread-scaler-in", NS + "thread-scaler-out"),
                            Artifacts.genericNar().toString());
            LongFunctions.produce(client, NS + "thread-scaler-in", inputs, key);

            List<Message<Long>> messages = Messages.receive(outputs, inputs.size(), LIVENESS);

            assertEquals(Outputs.expectedByKey(inputs, key, x -> 3 * x + 1), Outputs.actualByKey(messages));
            // the instance is a thread of the standalone's JVM, named after it
            assertTrue(jvm.threadNames().contains("public/default/" + name + "-0"), "instance thread in the worker");
            awaitLogLine(name, "scaler ready: factor=3 offset=1");
        } finally {
            Functions.delete(admin, name);
        }

        String enricher = "thread-enricher";
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            lines.add("order " + i);
        }
        lines.add("ünïcödé ✓");
        try (Consumer<byte[]> outputs = Messages.subscribe(client, NS + "thread-enriched", Schema.BYTES)) {
            admin.functions()
                    .createFunction(
                            FunctionConfig.builder()
                                    .tenant("public")
                                    .namespace("default")
                                    .name(enricher)
                                    .className(RealPulsarTest.BYTES_FUNCTION)
                                    .runtime(FunctionConfig.Runtime.JAVA)
                                    .inputs(List.of(NS + "thread-plain"))
                                    .output(NS + "thread-enriched")
                                    .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                    .userConfig(Map.of(
                                            "wasm.module", module(Artifacts.sample("enricher.wasm")), "prefix", "eu-"))
                                    .build(),
                            Artifacts.genericNar().toString());
            try (Producer<byte[]> producer =
                    client.newProducer(Schema.BYTES).topic(NS + "thread-plain").create()) {
                for (String line : lines) {
                    producer.send(line.getBytes(StandardCharsets.UTF_8));
                }
            }
            assertEquals(
                    lines.stream().map(line -> "eu-" + line).toList(),
                    Messages.receive(outputs, lines.size(), LIVENESS).stream()
                            .map(ThreadRuntimeIT::text)
                            .toList());
        } finally {
            Functions.delete(admin, enricher);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void runawayGuestIsStoppedByItsDeadlineAndDeadLetteredWhileTheWorkerCarriesOn() throws Exception {
        String name = "thread-runaway";
        // faults.wasm answers x with x, except 10..13; 11 loops forever
        FunctionConfig config = LongFunctions.config(
                name,
                RealPulsarTest.LONG_FUNCTION,
                NS + "thread-runaway-in",
                NS + "thread-runaway-out",
                Map.of(
                        "wasm.module",
                        module(Artifacts.repoDir().resolve("pulsar-wasm-engine/src/test/resources/wasm/faults.wasm")),
                        "wasm.timeout-ms",
                        300));
        config.setMaxMessageRetries(1);
        config.setDeadLetterTopic(NS + "thread-runaway-dlq");
        config.setTimeoutMs(RealPulsarTest.RETRY_DELAY_MS);
        List<Long> before = List.of(1L, 2L, 3L, 4L, 5L);
        List<Long> after = List.of(100L, 101L, 102L, 103L, 104L);
        try (Consumer<Long> outputs = Messages.subscribe(client, NS + "thread-runaway-out", Schema.INT64);
                Consumer<byte[]> deadLetters = Messages.subscribe(client, NS + "thread-runaway-dlq", Schema.BYTES)) {
            admin.functions().createFunction(config, Artifacts.genericNar().toString());
            // unbatched: a negative acknowledgement redelivers (and dead-letters) a whole batch
            try (Producer<Long> producer = client.newProducer(Schema.INT64)
                    .topic(NS + "thread-runaway-in")
                    .enableBatching(false)
                    .create()) {
                for (long value : before) {
                    producer.send(value);
                }
                producer.send(11L);
                for (long value : after) {
                    producer.send(value);
                }
            }
            List<Long> expected = new ArrayList<>(before);
            expected.addAll(after);
            assertEquals(expected, Messages.values(Messages.receive(outputs, expected.size(), LIVENESS)));
            assertRunningAndAnswering(name);
            // fails, comes back after the function's retry delay, fails again, dead-lettered at the next redelivery
            List<Message<byte[]>> dead = Messages.receive(deadLetters, 1, RealPulsarTest.DEAD_LETTER_WAIT);
            assertEquals(11L, Schema.INT64.decode(dead.get(0).getValue()));
        }
        assertRunningAndAnswering(name);
        awaitLogLine(
                name,
                "wasm module 'faults.wasm': export 'process' timed out after 300 ms (user config wasm.timeout-ms)");
        Functions.delete(admin, name);
    }

    @Test
    @Order(3)
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void createDeleteCyclesLeaveNoClassesThreadsOrHeapBehind() throws Exception {
        try (JvmProbe jvm = pulsar.jvm()) {
            cycle(jvm, 0); // warm-up: what the worker loads once, for any function
            JvmProbe.Snapshot before = jvm.settle();
            long narLoadersBefore = instances(jvm.classHistogram(), "org.apache.pulsar.common.nar.NarClassLoader");
            long firstCycleLoads = 0;
            for (int i = 1; i <= CYCLES; i++) {
                long total = jvm.totalLoadedClassCount();
                cycle(jvm, i);
                if (i == 1) {
                    firstCycleLoads = jvm.totalLoadedClassCount() - total;
                }
            }
            Awaitility.await("no " + WATCHDOG + " thread in the worker")
                    .atMost(LIVENESS)
                    .untilAsserted(
                            () -> assertFalse(jvm.threadNames().contains(WATCHDOG), WATCHDOG + " still running"));
            JvmProbe.Snapshot after = jvm.settle();
            String histogram = jvm.classHistogram();
            long narLoadersAfter = instances(histogram, "org.apache.pulsar.common.nar.NarClassLoader");

            double perCycle = (after.totalLoadedClasses() - before.totalLoadedClasses()) / (double) CYCLES;
            long retained = after.loadedClasses() - before.loadedClasses();
            long bound = Math.max(3 * firstCycleLoads, 300);
            System.out.printf(
                    "[thread-runtime] before %d cycles: %s; NarClassLoader instances %d%n",
                    CYCLES, before, narLoadersBefore);
            System.out.printf(
                    "[thread-runtime] after  %d cycles: %s; NarClassLoader instances %d%n",
                    CYCLES, after, narLoadersAfter);
            System.out.printf(
                    "[thread-runtime] classes loaded by the first cycle %d, per cycle on average %.1f; "
                            + "retained after %d cycles %+d (bound %d); heap %+.1f MiB%n",
                    firstCycleLoads,
                    perCycle,
                    CYCLES,
                    retained,
                    bound,
                    (after.heapUsed() - before.heapUsed()) / (double) MIB);
            if (retained >= bound) {
                System.out.println("[thread-runtime] classes retained; histogram excerpt:\n"
                        + histogram
                                .lines()
                                .filter(line -> line.contains("ClassLoader") || line.contains("pulsarwasm"))
                                .limit(40)
                                .collect(Collectors.joining("\n")));
                if (Boolean.getBoolean("pulsarwasm.heapDumpOnLeak")) {
                    Path dump = pulsar.workDir().resolve("after-cycles.hprof");
                    jvm.dumpHeap(dump);
                    System.out.println("[thread-runtime] heap dump of live objects: " + dump);
                }
            }
            assertTrue(firstCycleLoads > 0, "a cycle loads the NAR's classes");
            // Pulsar 4.0.8's org.apache.pulsar.common.util.Reflections keeps a static map from class to
            // constructor (constructorCache), filled for the function class and the custom schema class
            // (Int64Schema); its strong keys kept every NarClassLoader reachable (a heap dump showed no
            // other path). AbstractWasmFunction.close() removes its class loader's entries
            // (ClassLoaderRelease); without that, 20 cycles retained about 11,700 classes.
            assertTrue(
                    retained < bound,
                    "classes retained after " + CYCLES + " cycles: " + retained + ", not below three cycles' worth ("
                            + bound + ")");
            assertTrue(
                    after.heapUsed() <= before.heapUsed() + 64 * MIB,
                    "heap used grew from " + before.heapUsed() + " to " + after.heapUsed() + " bytes");
            assertFalse(jvm.threadNames().contains(WATCHDOG), WATCHDOG + " thread left in the worker");
        }
    }

    @Test
    @Order(4)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void theWorstFiveHostileGuestsLeaveTheWorkerAndTheirNeighbourUntouched() throws Exception {
        HostileGuests.runTheWorstFive(pulsar, client, admin, "thread-hostile-");
    }

    @Test
    @Order(5)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aGoFunctionsMainThreadLivesInTheWorkerExactlyAsLongAsTheFunction() throws Exception {
        String name = "thread-go";
        String main = "pulsar-wasm-main-go_relay.wasm";
        try (JvmProbe jvm = pulsar.jvm();
                Consumer<String> outputs = Messages.subscribe(client, NS + name + "-out", Schema.STRING);
                Producer<String> producer = client.newProducer(Schema.STRING)
                        .topic(NS + name + "-in")
                        .create()) {
            assertFalse(jvm.threadNames().contains(main), main + " before the function");
            admin.functions()
                    .createFunction(
                            FunctionConfig.builder()
                                    .tenant("public")
                                    .namespace("default")
                                    .name(name)
                                    .className(RealPulsarTest.STRING_FUNCTION)
                                    .runtime(FunctionConfig.Runtime.JAVA)
                                    .inputs(List.of(NS + name + "-in"))
                                    .output(NS + name + "-out")
                                    .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                                    .userConfig(Map.of(
                                            "wasm.module",
                                            module(Artifacts.sample("go_relay.wasm")),
                                            "wasm.max-memory-pages",
                                            1024))
                                    .build(),
                            Artifacts.genericNar().toString());
            producer.send("in the worker");
            assertEquals(List.of("in the worker"), Messages.values(Messages.receive(outputs, 1, LIVENESS)));
            assertEquals(1L, jvm.threadNames().stream().filter(main::equals).count(), "one main thread per instance");
            Functions.delete(admin, name);
            Awaitility.await(main + " ended with its function")
                    .atMost(LIVENESS)
                    .until(() -> !jvm.threadNames().contains(main));
        }
    }

    /**
     * The generic NAR installed once as the worker's built-in function {@code wasm}: functions
     * deployed with {@code --jar builtin://wasm} share its class loader, so the engine's classes
     * and a module's compiled code are loaded once per worker, not once per instance. Each
     * function still has its own config and its own deadline: two scalers with different
     * factors answer exactly, and a runaway neighbour on the shared watchdog is stopped without
     * delaying them. When the last is deleted, the shared watchdog thread ends.
     */
    @Test
    @Order(6)
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void builtInWasmFunctionsShareOneEngineAndKeepTheirOwnConfigAndDeadlines() throws Exception {
        List<Long> inputs = LongStream.rangeClosed(1, 40).boxed().toList();
        LongFunction<String> key = value -> "k" + (value % 3);
        List<String> names = List.of("builtin-a", "builtin-b", "builtin-runaway");
        try (JvmProbe jvm = pulsar.jvm();
                Consumer<Long> outA = Messages.subscribe(client, NS + "builtin-a-out", Schema.INT64);
                Consumer<Long> outB = Messages.subscribe(client, NS + "builtin-b-out", Schema.INT64)) {
            // as docs/operations.md shows it: the worker lists the built-in, and the CLI deploys it by type
            assertTrue(
                    pulsar.pulsarAdmin("functions", "available-functions")
                            .orFail("functions available-functions")
                            .stdout()
                            .contains("wasm"),
                    "the built-in function 'wasm' is listed");
            pulsar.pulsarAdmin(
                            "functions",
                            "create",
                            "--function-type",
                            "wasm",
                            "--classname",
                            RealPulsarTest.LONG_FUNCTION,
                            "--name",
                            "builtin-a",
                            "--inputs",
                            NS + "builtin-a-in",
                            "--custom-schema-inputs",
                            "{\"" + NS + "builtin-a-in\":\"{\\\"schemaType\\\":\\\"" + LongFunctions.INT64_SCHEMA
                                    + "\\\"}\"}",
                            "--output",
                            NS + "builtin-a-out",
                            "--schema-type",
                            LongFunctions.INT64_SCHEMA,
                            "--subs-position",
                            "Earliest",
                            "--user-config",
                            "{\"wasm.module\": \"" + module(Artifacts.sample("scaler.wasm"))
                                    + "\", \"factor\": 3, \"offset\": 1}")
                    .orFail("functions create --function-type wasm");
            LongFunctions.produce(client, NS + "builtin-a-in", inputs, key);
            assertEquals(
                    Outputs.expectedByKey(inputs, key, x -> 3 * x + 1),
                    Outputs.actualByKey(Messages.receive(outA, inputs.size(), LIVENESS)));
            JvmProbe.Snapshot afterFirst = jvm.settle();

            deployBuiltin(builtinScaler("builtin-b", 5, 2));
            LongFunctions.produce(client, NS + "builtin-b-in", inputs, key);
            assertEquals(
                    Outputs.expectedByKey(inputs, key, x -> 5 * x + 2),
                    Outputs.actualByKey(Messages.receive(outB, inputs.size(), LIVENESS)));
            JvmProbe.Snapshot afterSecond = jvm.settle();
            long secondLoads = afterSecond.loadedClasses() - afterFirst.loadedClasses();
            System.out.printf(
                    "[thread-runtime] built-in: classes loaded for the second function %d (%s -> %s)%n",
                    secondLoads, afterFirst, afterSecond);
            // A function from its own NAR loads the engine's classes again, about 650 a function
            // (docs/benchmarks.md, "Many functions in one worker"); one sharing them loads Pulsar's
            // per-instance classes only.
            assertTrue(secondLoads < 200, "the second built-in function loaded " + secondLoads + " classes");

            FunctionConfig runaway = LongFunctions.config(
                    "builtin-runaway",
                    RealPulsarTest.LONG_FUNCTION,
                    NS + "builtin-runaway-in",
                    NS + "builtin-runaway-out",
                    Map.of(
                            "wasm.module",
                            module(Artifacts.repoDir()
                                    .resolve("pulsar-wasm-engine/src/test/resources/wasm/faults.wasm")),
                            "wasm.timeout-ms",
                            300));
            deployBuiltin(runaway);
            LongFunctions.produce(client, NS + "builtin-runaway-in", List.of(11L), value -> "k");
            List<Long> more = LongStream.rangeClosed(100, 120).boxed().toList();
            LongFunctions.produce(client, NS + "builtin-a-in", more, key);
            assertEquals(
                    Outputs.expectedByKey(more, key, x -> 3 * x + 1),
                    Outputs.actualByKey(Messages.receive(outA, more.size(), LIVENESS)));
            awaitLogLine(
                    "builtin-runaway",
                    "wasm module 'faults.wasm': export 'process' timed out after 300 ms (user config wasm.timeout-ms)");
            assertRunningAndAnswering("builtin-a");
            assertRunningAndAnswering("builtin-b");
        } finally {
            for (String name : names) {
                Functions.delete(admin, name);
            }
        }
        try (JvmProbe jvm = pulsar.jvm()) {
            Awaitility.await("no " + WATCHDOG + " thread once the built-in functions are gone")
                    .atMost(LIVENESS)
                    .until(() -> !jvm.threadNames().contains(WATCHDOG));
        }
    }

    private static FunctionConfig builtinScaler(String name, int factor, int offset) {
        return LongFunctions.config(
                name,
                RealPulsarTest.LONG_FUNCTION,
                NS + name + "-in",
                NS + name + "-out",
                Map.of("wasm.module", module(Artifacts.sample("scaler.wasm")), "factor", factor, "offset", offset));
    }

    /** Deploys as {@code pulsar-admin functions create --jar builtin://wasm ...} does: no upload. */
    private static void deployBuiltin(FunctionConfig config) throws Exception {
        config.setJar("builtin://wasm");
        admin.functions().createFunction(config, null);
    }

    /** One cycle: create the scaler, one exact output for one input, delete it, its instance thread gone. */
    private static void cycle(JvmProbe jvm, int i) throws Exception {
        String name = "cycle";
        String output = NS + "cycle-out-" + i;
        long input = 1000L + i;
        try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64)) {
            admin.functions()
                    .createFunction(
                            scaler(name, NS + "cycle-in-" + i, output),
                            Artifacts.genericNar().toString());
            LongFunctions.produce(client, NS + "cycle-in-" + i, List.of(input), value -> "k");
            assertEquals(List.of(3 * input + 1), Messages.values(Messages.receive(outputs, 1, LIVENESS)));
        } finally {
            Functions.delete(admin, name);
        }
        Awaitility.await("instance thread of " + name + " ended (cycle " + i + ")")
                .atMost(LIVENESS)
                .until(() -> !jvm.threadNames().contains("public/default/" + name + "-0"));
    }

    private static void assertRunningAndAnswering(String name) throws Exception {
        FunctionStatus status = admin.functions().getFunctionStatus("public", "default", name);
        assertEquals(1, status.getNumRunning(), status.toString());
        assertTrue(admin.functions().getFunctions("public", "default").contains(name));
        assertEquals(
                1,
                admin.functions()
                        .getFunctionStats("public", "default", name)
                        .getInstances()
                        .size());
    }

    private static FunctionConfig scaler(String name, String input, String output) {
        return LongFunctions.config(
                name,
                RealPulsarTest.LONG_FUNCTION,
                input,
                output,
                Map.of("wasm.module", module(Artifacts.sample("scaler.wasm")), "factor", 3, "offset", 1));
    }

    private static String module(Path file) {
        return "file://" + pulsar.visibleToWorker(file);
    }

    private static void awaitLogLine(String name, String line) {
        Awaitility.await("'" + line + "' in the log of " + name)
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", name).contains(line));
    }

    /** Live instances of a class in a {@code GC.class_histogram}: "num: #instances #bytes class-name (module)". */
    private static long instances(String histogram, String className) {
        return histogram
                .lines()
                .map(String::trim)
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length >= 4 && fields[3].equals(className))
                .mapToLong(fields -> Long.parseLong(fields[1]))
                .sum();
    }

    private static String text(Message<byte[]> message) {
        return new String(message.getValue(), StandardCharsets.UTF_8);
    }
}
