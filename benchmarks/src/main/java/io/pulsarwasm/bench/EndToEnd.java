package io.pulsarwasm.bench;

import io.pulsarwasm.it.Artifacts;
import io.pulsarwasm.it.Functions;
import io.pulsarwasm.it.LongFunctions;
import io.pulsarwasm.it.Messages;
import io.pulsarwasm.it.StandalonePulsar;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;

/**
 * End to end on a real Pulsar standalone (the integration suite's fixture, process runtime). Each
 * case runs its functions on the same broker alternately, in one unmeasured pass and then {@code
 * bench.passes} measured ones (3 unless set), each pass starting with the next function, so that
 * none profits from a warmer broker or from always following the same other. Each figure is its
 * median over the passes, shown with the spread of the throughput: runs on a shared machine differ
 * by several percent. A function instance is a fresh JVM, so it first processes {@code
 * bench.warm-up} messages unmeasured ({@value #WARM_UP_MESSAGES} unless set, at most as many as it
 * is measured with): what is measured is closer to its steady state than to the JIT compiling it.
 * Each function is then measured at saturation (every message sent at once) and at a fixed offered
 * load well below it, where latency is processing latency rather than queueing. Latency is from the
 * producer's send to the consumer's receipt of the output.
 *
 * <p>Over 300 lines because it is one end-to-end experiment (deploy, offered load, saturation,
 * passes, medians); it is tooling, not the product.
 */
final class EndToEnd {

    /**
     * One function's figures under one load: in a report, each figure's median over the measured
     * passes, with the lowest and highest throughput of the passes.
     */
    record Result(
            String scenario,
            String function,
            String load,
            int messages,
            double throughputPerSecond,
            long p50Millis,
            long p99Millis,
            String check,
            double lowestPerSecond,
            double highestPerSecond,
            Cpu.Split cpu) {}

    /** What a case's messages are: Longs, bytes (an index), or Avro {@link User} records. */
    private enum Kind {
        LONGS,
        BYTES,
        USERS,
        /** Text: the message's index as decimal digits, returned unchanged. */
        TEXT,
        /** JSON text ({@link #json}), transformed ({@link #transformed}). */
        JSON,
        /** Bytes (an index) with a W3C {@code traceparent} property ({@link #TRACEPARENT}). */
        TRACED_BYTES
    }

    /** The trace context of the {@link Kind#TRACED_BYTES} messages: a valid W3C traceparent, sampled. */
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /** A function to deploy: its NAR, class and user config, and what its messages are. */
    private record Subject(
            String label,
            Path nar,
            String className,
            Map<String, Object> config,
            Kind kind,
            String sideTopic,
            String counter) {}

    private static final int RATE = Integer.getInteger("bench.rate", 1000);
    /**
     * A subject's config key (taken out before deploying) naming its input's schema type, as
     * pulsar-admin's {@code --input-specs} gives it.
     */
    private static final String INPUT_SCHEMA_TYPE = "bench.input-schema-type";

    private static final String UNDECODED = "io.pulsarwasm.schema.UndecodedAutoConsume";
    private static final int PACED_MESSAGES = Integer.getInteger("bench.paced-messages", 5000);
    /** Messages each function instance processes unmeasured first, unless {@code bench.warm-up} says otherwise. */
    private static final int WARM_UP_MESSAGES = 100_000;

    /**
     * @param messages the messages of a measured load at saturation
     * @return the messages each function instance processes unmeasured first: {@code bench.warm-up}
     *     ({@value #WARM_UP_MESSAGES} unless set), at most {@code messages}
     */
    static int warmUpMessages(int messages) {
        return Math.min(Integer.getInteger("bench.warm-up", WARM_UP_MESSAGES), messages);
    }
    /** Where each load's message indices start, so that a late or redelivered answer is never taken for another load's. */
    private static final int WARM_UP_BASE = 100_000_000;

    private static final int PACED_BASE = 200_000_000;

    private EndToEnd() {}

    /** A JSON transform's input: a small object, as {@code javascript/transform.js} and {@code JavaJsonTransform} take it. */
    static String json(int index) {
        return "{\"name\":\"user-" + index + "\",\"count\":" + index
                + ",\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],\"note\":\"some text here ok\"}";
    }

    /** What the transform makes of {@link #json}{@code (index)}, written out here independently of both functions. */
    static String transformed(int index) {
        return "{\"name\":\"USER-" + index + "\",\"count\":" + (index + 1)
                + ",\"items\":[\"a\",\"bb\",\"ccc\",\"dddd\"],\"note\":\"some text here ok\",\"total\":10}";
    }

    /**
     * Runs the cases.
     *
     * @param messages messages per function at saturation
     * @param only the cases to run (by name), or empty for all
     */
    static List<Result> run(int messages, List<String> only) throws Exception {
        List<Result> results = new ArrayList<>();
        try (StandalonePulsar pulsar = StandalonePulsar.start(Artifacts.pulsarHome(), Artifacts.workDir());
                PulsarAdmin admin =
                        PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build();
                PulsarClient client =
                        PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build()) {
            Path relay = Artifacts.sample("relay.wasm");
            String module = "file://" + relay.toAbsolutePath();
            String record = "file://" + Artifacts.sample("record.wasm").toAbsolutePath();
            String recordRaw = "file://" + Artifacts.sample("record_raw.wasm").toAbsolutePath();
            String side = "persistent://public/default/e2e-side";
            Map<String, List<Subject>> scenarios = new LinkedHashMap<>();
            scenarios.put(
                    "Long doubler",
                    List.of(
                            new Subject(
                                    "Java",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.JavaDoubler",
                                    Map.of(),
                                    Kind.LONGS,
                                    null,
                                    null),
                            new Subject(
                                    "wasm",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.Doubler",
                                    Map.of(),
                                    Kind.LONGS,
                                    null,
                                    null)));
            scenarios.put(
                    "Publish per message",
                    List.of(
                            new Subject(
                                    "Java, sendAsync",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.JavaRelay",
                                    Map.of("side-topic", side),
                                    Kind.BYTES,
                                    side,
                                    null),
                            new Subject(
                                    "Java, no publish",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.JavaRelay",
                                    Map.of(),
                                    Kind.BYTES,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, no publish",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of("wasm.module", module),
                                    Kind.BYTES,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, publish",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of("wasm.module", module, "side-topic", side),
                                    Kind.BYTES,
                                    side,
                                    null)));
            scenarios.put(
                    "Counter per message",
                    List.of(
                            new Subject(
                                    "Java, incrCounterAsync",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.JavaRelay",
                                    Map.of("counter", "seen"),
                                    Kind.BYTES,
                                    null,
                                    "seen"),
                            new Subject(
                                    "wasm, counter_incr",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of("wasm.module", module, "counter", "seen"),
                                    Kind.BYTES,
                                    null,
                                    "seen")));
            // what carrying the trace context costs, and a failure topic set when nothing fails: the
            // relay on messages that carry a traceparent, with both off, with each on
            String failures = "persistent://public/default/e2e-failures";
            scenarios.put(
                    "Trace context and failure topic",
                    List.of(
                            new Subject(
                                    "wasm, both off",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of("wasm.module", module, "wasm.trace-context", "false"),
                                    Kind.TRACED_BYTES,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, trace context on",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of("wasm.module", module),
                                    Kind.TRACED_BYTES,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, failure topic set",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmBytesFunction",
                                    Map.of(
                                            "wasm.module", module,
                                            "wasm.trace-context", "false",
                                            "wasm.failure-topic", failures),
                                    Kind.TRACED_BYTES,
                                    null,
                                    null)));
            scenarios.put(
                    "Avro record transform",
                    List.of(
                            new Subject(
                                    "Java, GenericRecord",
                                    Artifacts.samplesNar(),
                                    "io.pulsarwasm.samples.JavaRecordTransform",
                                    Map.of(),
                                    Kind.USERS,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, JSON mapping",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmRecordFunction",
                                    Map.of("wasm.module", record),
                                    Kind.USERS,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, JSON mapping, input undecoded",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmRecordFunction",
                                    Map.of("wasm.module", record, INPUT_SCHEMA_TYPE, UNDECODED),
                                    Kind.USERS,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, raw format",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmRecordFunction",
                                    Map.of("wasm.module", recordRaw, "wasm.record.format", "raw"),
                                    Kind.USERS,
                                    null,
                                    null),
                            new Subject(
                                    "wasm, raw format, input undecoded",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmRecordFunction",
                                    Map.of(
                                            "wasm.module",
                                            recordRaw,
                                            "wasm.record.format",
                                            "raw",
                                            INPUT_SCHEMA_TYPE,
                                            UNDECODED),
                                    Kind.USERS,
                                    null,
                                    null)));
            Path javascript = Artifacts.sample("../../../javascript/relay.js")
                    .toAbsolutePath()
                    .normalize()
                    .getParent();
            // the baselines the JavaScript and Go cases share, each run again in every case that lists it
            Subject javaRelay = new Subject(
                    "Java",
                    Artifacts.samplesNar(),
                    "io.pulsarwasm.samples.JavaStringRelay",
                    Map.of(),
                    Kind.TEXT,
                    null,
                    null);
            Subject assemblyScriptRelay = new Subject(
                    "AssemblyScript",
                    Artifacts.genericNar(),
                    "io.pulsarwasm.function.WasmStringFunction",
                    Map.of(
                            "wasm.module",
                            "file://" + Artifacts.sample("passthrough.wasm").toAbsolutePath()),
                    Kind.TEXT,
                    null,
                    null);
            Subject jackson = new Subject(
                    "Java, Jackson",
                    Artifacts.samplesNar(),
                    "io.pulsarwasm.samples.JavaJsonTransform",
                    Map.of(),
                    Kind.JSON,
                    null,
                    null);
            scenarios.put(
                    "Relay: JavaScript",
                    List.of(
                            javaRelay,
                            assemblyScriptRelay,
                            new Subject(
                                    "JavaScript",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmStringFunction",
                                    Map.of("wasm.module", "file://" + javascript.resolve("relay.js")),
                                    Kind.TEXT,
                                    null,
                                    null)));
            scenarios.put(
                    "Relay: Go",
                    List.of(
                            javaRelay,
                            assemblyScriptRelay,
                            new Subject(
                                    "Go",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmStringFunction",
                                    Map.of(
                                            "wasm.module",
                                            "file://"
                                                    + Artifacts.sample("go_relay.wasm")
                                                            .toAbsolutePath(),
                                            "wasm.max-memory-pages",
                                            1024),
                                    Kind.TEXT,
                                    null,
                                    null)));
            scenarios.put(
                    "JSON transform: JavaScript",
                    List.of(
                            jackson,
                            new Subject(
                                    "JavaScript",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmStringFunction",
                                    Map.of("wasm.module", "file://" + javascript.resolve("transform.js")),
                                    Kind.JSON,
                                    null,
                                    null)));
            scenarios.put(
                    "JSON transform: Go",
                    List.of(
                            jackson,
                            new Subject(
                                    "Go",
                                    Artifacts.genericNar(),
                                    "io.pulsarwasm.function.WasmStringFunction",
                                    Map.of(
                                            "wasm.module",
                                            "file://"
                                                    + Artifacts.sample("go_transform.wasm")
                                                            .toAbsolutePath(),
                                            "wasm.max-memory-pages",
                                            1024),
                                    Kind.JSON,
                                    null,
                                    null)));
            scenarios.keySet().removeIf(name -> !only.isEmpty() && !only.contains(name));
            int passes = 1 + Math.max(1, Integer.getInteger("bench.passes", 3));
            for (Map.Entry<String, List<Subject>> scenario : scenarios.entrySet()) {
                int count = scenario.getKey().startsWith("Counter") ? messages / 5 : messages;
                List<Subject> subjects = scenario.getValue();
                // per subject, in the case's order: each load's results over the measured passes
                List<Map<String, List<Result>>> measuredPasses = new ArrayList<>();
                subjects.forEach(subject -> measuredPasses.add(new LinkedHashMap<>()));
                for (int pass = 0; pass < passes; pass++) {
                    // each pass starts with another function, so that none is always the one after the same other
                    for (int i = 0; i < subjects.size(); i++) {
                        int index = (pass + i) % subjects.size();
                        List<Result> measured =
                                measure(admin, client, scenario.getKey(), subjects.get(index), count, pass);
                        if (pass > 0) {
                            for (Result result : measured) {
                                System.out.printf(
                                        "pass %d of %d: %s, %s, %s: %.0f msg/s%n",
                                        pass,
                                        passes - 1,
                                        result.scenario(),
                                        result.function(),
                                        result.load(),
                                        result.throughputPerSecond());
                                measuredPasses
                                        .get(index)
                                        .computeIfAbsent(result.load(), k -> new ArrayList<>())
                                        .add(result);
                            }
                        }
                    }
                }
                measuredPasses.forEach(loads -> loads.values().forEach(all -> results.add(median(all))));
                printPairedRatios(scenario.getKey(), subjects, measuredPasses);
            }
        }
        return results;
    }

    /**
     * Prints each function's throughput over the case's first function's in the same pass, pass by
     * pass, and their median: a pair measured minutes apart on the same broker shares more of the
     * drift between passes than two medians do.
     */
    private static void printPairedRatios(
            String scenario, List<Subject> subjects, List<Map<String, List<Result>>> bySubject) {
        for (int i = 1; i < subjects.size(); i++) {
            for (Map.Entry<String, List<Result>> load : bySubject.get(i).entrySet()) {
                List<Result> measured = load.getValue();
                List<Result> baseline = bySubject.get(0).get(load.getKey());
                String pair = scenario + ", " + subjects.get(i).label() + " / "
                        + subjects.get(0).label() + ", " + load.getKey();
                printPaired("paired: " + pair, measured, baseline, Result::throughputPerSecond);
                printPaired(
                        "paired CPU of the instance a message: " + pair,
                        measured,
                        baseline,
                        r -> r.cpu().instance());
                printPaired(
                        "paired CPU of the broker a message: " + pair,
                        measured,
                        baseline,
                        r -> r.cpu().broker());
                printPaired(
                        "paired CPU of the load generator a message: " + pair,
                        measured,
                        baseline,
                        r -> r.cpu().client());
            }
        }
    }

    /** One figure's ratio to the baseline's, pass by pass, and their median. */
    private static void printPaired(
            String label,
            List<Result> measured,
            List<Result> baseline,
            java.util.function.ToDoubleFunction<Result> figure) {
        double[] ratios = IntStream.range(0, measured.size())
                .mapToDouble(
                        pass -> figure.applyAsDouble(measured.get(pass)) / figure.applyAsDouble(baseline.get(pass)))
                .toArray();
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "%s: %s by pass, median %.3f%n",
                label,
                Arrays.stream(ratios)
                        .mapToObj(ratio -> String.format(Locale.ROOT, "%.3f", ratio))
                        .collect(Collectors.joining(" ")),
                sorted[sorted.length / 2]);
    }

    /** Each figure's median over the passes (the upper middle one for an even count), with the throughput's range. */
    private static Result median(List<Result> passes) {
        Result any = passes.get(0);
        double[] throughput = passes.stream()
                .mapToDouble(Result::throughputPerSecond)
                .sorted()
                .toArray();
        long[] p50 = passes.stream().mapToLong(Result::p50Millis).sorted().toArray();
        long[] p99 = passes.stream().mapToLong(Result::p99Millis).sorted().toArray();
        double[] instance =
                passes.stream().mapToDouble(r -> r.cpu().instance()).sorted().toArray();
        double[] broker =
                passes.stream().mapToDouble(r -> r.cpu().broker()).sorted().toArray();
        double[] client =
                passes.stream().mapToDouble(r -> r.cpu().client()).sorted().toArray();
        int middle = passes.size() / 2;
        return new Result(
                any.scenario(),
                any.function(),
                any.load(),
                any.messages(),
                throughput[middle],
                p50[middle],
                p99[middle],
                any.check(),
                throughput[0],
                throughput[throughput.length - 1],
                new Cpu.Split(instance[middle], broker[middle], client[middle]));
    }

    private static List<Result> measure(
            PulsarAdmin admin, PulsarClient client, String scenario, Subject subject, int messages, int pass)
            throws Exception {
        String name = "e2e-" + Integer.toHexString((scenario + subject.label()).hashCode()) + "-" + pass;
        String input = "persistent://public/default/" + name + "-in";
        String output = "persistent://public/default/" + name + "-out";
        Map<String, Object> config = new LinkedHashMap<>(subject.config());
        Object inputSchemaType = config.remove(INPUT_SCHEMA_TYPE);
        String sideTopic = subject.sideTopic() == null ? null : subject.sideTopic() + "-" + name;
        if (sideTopic != null) {
            config.put("side-topic", sideTopic);
        }
        FunctionConfig function = subject.kind() == Kind.LONGS
                ? LongFunctions.config(name, subject.className(), input, output, config)
                : FunctionConfig.builder()
                        .tenant("public")
                        .namespace("default")
                        .name(name)
                        .className(subject.className())
                        .runtime(FunctionConfig.Runtime.JAVA)
                        .inputs(inputSchemaType == null ? List.of(input) : null)
                        .inputSpecs(
                                inputSchemaType == null
                                        ? null
                                        : Map.of(
                                                input,
                                                ConsumerConfig.builder()
                                                        .schemaType(inputSchemaType.toString())
                                                        .build()))
                        .output(output)
                        .userConfig(config)
                        .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                        .build();
        admin.functions().createFunction(function, subject.nar().toString());
        List<Result> results = new ArrayList<>();
        int warmUp = warmUpMessages(messages);
        try (Consumer<byte[]> side = sideTopic == null ? null : Messages.subscribe(client, sideTopic, Schema.BYTES)) {
            if (subject.kind() == Kind.USERS) {
                try (Consumer<User> outputs = Messages.subscribe(client, output, Schema.AVRO(User.class));
                        Producer<User> producer = client.newProducer(Schema.AVRO(User.class))
                                .topic(input)
                                .create()) {
                    producer.send(user(-1));
                    outputs.acknowledge(outputs.receive(3, TimeUnit.MINUTES));
                    Drive.Receive receive = () -> {
                        Message<User> message = outputs.receive(2, TimeUnit.MINUTES);
                        outputs.acknowledge(message);
                        User user = message.getValue();
                        int index = user.age - 1;
                        if (!user.name.equals(user(index).name.toUpperCase(java.util.Locale.ROOT))
                                || !user.email.equals(user(index).email)) {
                            throw new IllegalStateException(
                                    name + ": output " + user.name + "/" + user.age + "/" + user.email);
                        }
                        return index;
                    };
                    results.addAll(driveLoads(
                            scenario,
                            subject.label(),
                            name,
                            warmUp,
                            messages,
                            i -> producer.sendAsync(user(i)),
                            receive));
                }
            } else if (subject.kind() == Kind.TEXT || subject.kind() == Kind.JSON) {
                boolean json = subject.kind() == Kind.JSON;
                IntFunction<String> text = json ? EndToEnd::json : String::valueOf;
                try (Consumer<String> outputs = Messages.subscribe(client, output, Schema.STRING);
                        Producer<String> producer =
                                client.newProducer(Schema.STRING).topic(input).create()) {
                    producer.send(text.apply(-1));
                    outputs.acknowledge(outputs.receive(3, TimeUnit.MINUTES));
                    Drive.Receive receive = () -> {
                        Message<String> message = outputs.receive(2, TimeUnit.MINUTES);
                        outputs.acknowledge(message);
                        String value = message.getValue();
                        if (!json) {
                            return Integer.parseInt(value);
                        }
                        int at = value.indexOf("\"count\":") + 8;
                        int index = Integer.parseInt(value.substring(at, value.indexOf(',', at))) - 1;
                        if (!value.equals(transformed(index))) {
                            throw new IllegalStateException(name + ": output " + value);
                        }
                        return index;
                    };
                    results.addAll(driveLoads(
                            scenario,
                            subject.label(),
                            name,
                            warmUp,
                            messages,
                            i -> producer.sendAsync(text.apply(i)),
                            receive));
                }
            } else if (subject.kind() == Kind.LONGS) {
                try (Consumer<Long> outputs = Messages.subscribe(client, output, Schema.INT64);
                        Producer<Long> producer =
                                client.newProducer(Schema.INT64).topic(input).create()) {
                    producer.send(-1L);
                    outputs.acknowledge(outputs.receive(3, TimeUnit.MINUTES));
                    Drive.Receive receive = () -> {
                        Message<Long> message = outputs.receive(2, TimeUnit.MINUTES);
                        outputs.acknowledge(message);
                        return (int) (message.getValue() / 2);
                    };
                    results.addAll(driveLoads(
                            scenario,
                            subject.label(),
                            name,
                            warmUp,
                            messages,
                            i -> producer.sendAsync((long) i),
                            receive));
                }
            } else {
                try (Consumer<byte[]> outputs = Messages.subscribe(client, output, Schema.BYTES);
                        Producer<byte[]> producer =
                                client.newProducer(Schema.BYTES).topic(input).create()) {
                    boolean traced = subject.kind() == Kind.TRACED_BYTES;
                    Drive send = i -> {
                        if (traced) {
                            producer.newMessage()
                                    .value(index(i))
                                    .property("traceparent", TRACEPARENT)
                                    .sendAsync();
                        } else {
                            producer.sendAsync(index(i));
                        }
                    };
                    send.send(-1);
                    producer.flush();
                    outputs.acknowledge(outputs.receive(3, TimeUnit.MINUTES));
                    Drive.Receive receive = () -> {
                        Message<byte[]> message = outputs.receive(2, TimeUnit.MINUTES);
                        outputs.acknowledge(message);
                        return ByteBuffer.wrap(message.getValue()).getInt();
                    };
                    results.addAll(driveLoads(scenario, subject.label(), name, warmUp, messages, send, receive));
                }
            }
            int expected = 1 + warmUp + messages + PACED_MESSAGES;
            String check = "";
            if (side != null) {
                int seen = 0;
                while (side.receive(10, TimeUnit.SECONDS) != null) {
                    seen++;
                }
                check = seen + " of " + expected + " published";
                if (seen != expected) {
                    throw new IllegalStateException(name + ": " + check);
                }
            }
            if (subject.counter() != null) {
                // the state store's reads may trail its acknowledged writes briefly: read until it settles
                long counted = 0;
                for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); ; Thread.sleep(500)) {
                    counted = admin.functions()
                            .getFunctionState("public", "default", name, subject.counter())
                            .getNumberValue();
                    if (counted == expected || System.nanoTime() - until > 0) {
                        break;
                    }
                }
                check = "counter " + counted + " of " + expected;
                if (counted != expected) {
                    throw new IllegalStateException(name + ": " + check);
                }
            }
            String verified = check;
            return results.stream()
                    .map(r -> new Result(
                            r.scenario(),
                            r.function(),
                            r.load(),
                            r.messages(),
                            r.throughputPerSecond(),
                            r.p50Millis(),
                            r.p99Millis(),
                            verified,
                            0,
                            0,
                            r.cpu()))
                    .toList();
        } finally {
            Functions.delete(admin, name);
        }
    }

    private interface Drive {
        void send(int index);

        interface Receive {
            int next() throws Exception;
        }
    }

    /**
     * Sends {@code messages} (all at once when {@code rate} is 0, else paced at {@code rate} per
     * second) and receives every output, whose value says which send it answers.
     */
    /**
     * Drives a function through the three loads: unmeasured warm-up, then saturation and the fixed
     * rate, measured.
     *
     * @return the measured loads' results
     */
    private static List<Result> driveLoads(
            String scenario,
            String function,
            String instance,
            int warmUp,
            int messages,
            Drive send,
            Drive.Receive receive)
            throws Exception {
        drive(scenario, function, instance, "warm-up", warmUp, 0, WARM_UP_BASE, send, receive);
        return List.of(
                drive(scenario, function, instance, "saturation", messages, 0, 0, send, receive),
                drive(scenario, function, instance, RATE + " msg/s", PACED_MESSAGES, RATE, PACED_BASE, send, receive));
    }

    private static Result drive(
            String scenario,
            String function,
            String instance,
            String load,
            int messages,
            int rate,
            int base,
            Drive send,
            Drive.Receive receive)
            throws Exception {
        // each process's CPU while the load runs: the function instance's JVM, the standalone's
        // (broker and bookie), and this one (producer and consumer), after a second to settle
        Thread.sleep(1000);
        Cpu.Split cpuFrom = Cpu.now(instance);
        long[] sentAt = new long[messages];
        long start = System.nanoTime();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < messages; i++) {
                if (rate > 0) {
                    long due = start + i * 1_000_000_000L / rate;
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
                sentAt[i] = System.nanoTime();
                send.send(base + i);
            }
        });
        sender.start();
        long[] latencies = new long[messages];
        boolean[] answered = new boolean[messages];
        for (int received = 0; received < messages; ) {
            int index = receive.next() - base;
            // a redelivery (an instance restarted) or a late answer from the load before: not this load's
            if (index >= 0 && index < messages && !answered[index]) {
                answered[index] = true;
                latencies[received++] = System.nanoTime() - sentAt[index];
            }
        }
        sender.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu.Split cpu = Cpu.now(instance).minus(cpuFrom).perMessage(messages);
        for (int i = 0; i < messages; i++) {
            latencies[i] = TimeUnit.NANOSECONDS.toMillis(latencies[i]);
        }
        Arrays.sort(latencies);
        return new Result(
                scenario,
                function,
                load,
                messages,
                messages / seconds,
                latencies[messages / 2],
                latencies[(int) (messages * 0.99)],
                "",
                0,
                0,
                cpu);
    }

    /** Processes' CPU time, from {@code /proc} (Linux; 0 elsewhere). */
    static final class Cpu {
        /** The kernel's clock ticks a second ({@code USER_HZ}, 100 on Linux). */
        static final double TICKS_PER_SECOND = 100;

        /**
         * CPU time of the three parties, in ticks, or per message in µs.
         *
         * @param instance the function instance's JVM (found by its function's name)
         * @param broker the standalone's JVM (broker, bookie, ZooKeeper, functions worker)
         * @param client this JVM: the load's producer and consumer
         */
        record Split(double instance, double broker, double client) {
            Split minus(Split earlier) {
                return new Split(instance - earlier.instance, broker - earlier.broker, client - earlier.client);
            }

            Split perMessage(int messages) {
                double micros = 1e6 / TICKS_PER_SECOND / messages;
                return new Split(instance * micros, broker * micros, client * micros);
            }
        }

        private Cpu() {}

        /**
         * The CPU ticks so far of the instance named, the standalone and this JVM: among this JVM's
         * descendants only (the standalone it started, and the instances the standalone started),
         * so that another Pulsar on the machine is not counted. NaN for a party not found.
         */
        static Split now(String instanceName) {
            long instance = 0;
            long broker = 0;
            boolean instanceFound = false;
            boolean brokerFound = false;
            for (ProcessHandle process :
                    (Iterable<ProcessHandle>) ProcessHandle.current().descendants()::iterator) {
                String pid = String.valueOf(process.pid());
                String command;
                try {
                    command = new String(java.nio.file.Files.readAllBytes(Path.of("/proc", pid, "cmdline")));
                } catch (java.io.IOException | RuntimeException gone) {
                    continue;
                }
                long ticks = ticks(pid);
                if (ticks < 0) {
                    continue;
                }
                if (command.contains("PulsarStandaloneStarter")) {
                    broker += ticks;
                    brokerFound = true;
                } else if (command.contains("JavaInstanceMain") && command.contains("\"" + instanceName + "\"")) {
                    instance += ticks;
                    instanceFound = true;
                }
            }
            long self = ticks(String.valueOf(ProcessHandle.current().pid()));
            return new Split(
                    instanceFound ? instance : Double.NaN,
                    brokerFound ? broker : Double.NaN,
                    self >= 0 ? self : Double.NaN);
        }

        /** utime + stime of a process, from {@code /proc/<pid>/stat}; -1 when it cannot be read. */
        private static long ticks(String pid) {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", pid, "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static User user(int i) {
        return new User("user " + i, i, "user" + i + "@example.org");
    }

    private static byte[] index(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }
}
