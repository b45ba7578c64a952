package io.pulsarwasm.bench;

import io.github.kawamuray.wasmtime.WasmFunctions;
import io.pulsarwasm.function.WasmFunction;
import java.util.Map;
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

/** One Long through {@code Function.process}: plain Java against the doubler in each mode and on wasmtime-java. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LongCallBenchmark {

    /** The baseline: the same logic as a plain Java function. */
    static final class JavaDoubler implements Function<Long, Long> {
        @Override
        public Long process(Long input, Context context) {
            return input * 2;
        }
    }

    private final Context context = BenchContext.with(Map.of());
    private Function<Long, Long> java;
    private Function<Long, Long> interpreter;
    private Function<Long, Long> compiler;
    private Function<Long, Long> aot;
    private WasmtimeGuest wasmtimeGuest;
    private WasmFunctions.Function1<Long, Long> wasmtime;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        java = new JavaDoubler();
        interpreter = doubler(Guests.Runtime.INTERPRETER);
        compiler = doubler(Guests.Runtime.COMPILER);
        aot = doubler(Guests.Runtime.AOT);
        wasmtimeGuest = new WasmtimeGuest(Guests.bytes("io.pulsarwasm.samples.Doubler.wasm"));
        wasmtime = wasmtimeGuest.longProcess();
    }

    private Function<Long, Long> doubler(Guests.Runtime runtime) {
        return Guests.initialized(
                new WasmFunction(),
                "io.pulsarwasm.samples.Doubler.wasm",
                "io.pulsarwasm.bench.aot.DoublerModule",
                runtime);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wasmtimeGuest.close();
    }

    @Benchmark
    public Long java() throws Exception {
        return java.process(next++, context);
    }

    @Benchmark
    public Long interpreter() throws Exception {
        return interpreter.process(next++, context);
    }

    @Benchmark
    public Long compiler() throws Exception {
        return compiler.process(next++, context);
    }

    @Benchmark
    public Long aot() throws Exception {
        return aot.process(next++, context);
    }

    @Benchmark
    public Long wasmtime() {
        return wasmtime.call(next++);
    }
}
