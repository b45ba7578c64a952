package io.pulsarwasm.bench;

import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.testing.InMemoryContext;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pulsar.functions.api.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A message's bytes into the guest and back out: the C filter with nothing blocked passes its input
 * through unchanged. The Java baseline does the same: a copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BytesRoundTripBenchmark {

    @Param({"16", "1024", "65536"})
    public int size;

    private final InMemoryContext context = new InMemoryContext();
    private byte[] payload;
    private Function<byte[], byte[]> interpreter;
    private Function<byte[], byte[]> compiler;
    private Function<byte[], byte[]> aot;
    private WasmtimeGuest wasmtimeGuest;
    private UnaryOperator<byte[]> wasmtime;

    @Setup(Level.Trial)
    public void setUp() {
        payload = new byte[size];
        new Random(size).nextBytes(payload);
        interpreter = filter(Guests.Runtime.INTERPRETER);
        compiler = filter(Guests.Runtime.COMPILER);
        aot = filter(Guests.Runtime.AOT);
        wasmtimeGuest = new WasmtimeGuest(Guests.bytes("filter.wasm"));
        wasmtime = wasmtimeGuest.bytesProcess();
        if (!Arrays.equals(payload, wasmtime.apply(payload))) {
            throw new IllegalStateException("wasmtime guest does not echo");
        }
    }

    private Function<byte[], byte[]> filter(Guests.Runtime runtime) {
        return Guests.initialized(new WasmBytesFunction(), "filter.wasm", "io.pulsarwasm.bench.aot.FilterModule",
                runtime, new InMemoryContext());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wasmtimeGuest.close();
    }

    @Benchmark
    public byte[] java() {
        return Arrays.copyOf(payload, payload.length);
    }

    @Benchmark
    public byte[] interpreter() throws Exception {
        return interpreter.process(payload, context);
    }

    @Benchmark
    public byte[] compiler() throws Exception {
        return compiler.process(payload, context);
    }

    @Benchmark
    public byte[] aot() throws Exception {
        return aot.process(payload, context);
    }

    @Benchmark
    public byte[] wasmtime() {
        return wasmtime.apply(payload);
    }
}
