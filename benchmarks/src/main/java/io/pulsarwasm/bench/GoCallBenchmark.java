package io.pulsarwasm.bench;

import io.pulsarwasm.engine.ExecutionMode;
import io.pulsarwasm.engine.Limit;
import io.pulsarwasm.engine.Limits;
import io.pulsarwasm.engine.Sandbox;
import io.pulsarwasm.engine.WasiConfig;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoader;
import io.pulsarwasm.function.WasmStringFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a Go function costs in-process (the command entry: a message handed to {@code main}'s
 * thread and its answer handed back): the relay ({@code go_relay}) through {@code
 * WasmStringFunction} as a worker runs it, against the same relay in Java; and a later instance of
 * a loaded Go module, from its start (Go's runtime initialisation, {@code main} until it asks for
 * a message) to its first output. The set-up prints the JVM heap one live Go instance holds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GoCallBenchmark {

    static final Limits GO_LIMITS = Limits.DEFAULTS.with(Limit.MAX_MEMORY_PAGES, 1024);

    private final String input = "hello";
    private Context context;
    private Function<String, CompletableFuture<String>> relay;
    private Function<String, CompletableFuture<String>> transform;
    private final String json = EndToEnd.json(41);
    private WasmLoader loader;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        context = BenchContext.with(Map.of());
        relay = function("go_relay.wasm");
        transform = function("go_transform.wasm");
        loader = loader();
        heapPerInstance();
    }

    private WasmStringFunction function(String module) throws Exception {
        WasmStringFunction function = new WasmStringFunction();
        function.initialize(BenchContext.with(Map.of(
                WasmConfig.MODULE,
                Guests.samples().resolve(module).toAbsolutePath().toString(),
                "wasm.max-memory-pages",
                1024)));
        return function;
    }

    static WasmLoader loader() {
        return WasmLoader.fromBytes(
                        "go_relay.wasm", Guests.bytes("go_relay.wasm"), new Sandbox(GO_LIMITS, WasiConfig.OFF))
                .withExecution(ExecutionMode.COMPILER);
    }

    /** Heap after full GCs with 20 live, answered Go instances, against none, per instance. */
    private void heapPerInstance() {
        Runtime runtime = Runtime.getRuntime();
        long before = usedAfterGc(runtime);
        List<WasmInstance> live = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            WasmInstance guest = loader.newInstance();
            guest.process(new byte[] {'h', 'i'});
            live.add(guest);
        }
        long after = usedAfterGc(runtime);
        System.out.printf(
                "GoCallBenchmark: one live Go relay instance holds %.1f MiB of heap (20 instances)%n",
                (after - before) / 20.0 / (1 << 20));
        live.forEach(WasmInstance::close);
    }

    private static long usedAfterGc(Runtime runtime) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ((WasmStringFunction) relay).close();
        ((WasmStringFunction) transform).close();
        loader.close();
    }

    @Benchmark
    public String javaRelay() {
        return input;
    }

    @Benchmark
    public String goRelay() throws Exception {
        return relay.process(input, context).join();
    }

    /** The JSON transform of {@code go_transform} (against {@code JavaScriptCallBenchmark.javaJsonTransform}, Jackson). */
    @Benchmark
    public String goJsonTransform() throws Exception {
        return transform.process(json, context).join();
    }

    /** A later instance of a loaded Go module (another in the same JVM, or one replaced after a trap): start to first output. */
    @Benchmark
    public int goLaterInstance() {
        try (WasmInstance guest = loader.newInstance()) {
            return guest.process(new byte[] {'h', 'i'}).output().length;
        }
    }
}
