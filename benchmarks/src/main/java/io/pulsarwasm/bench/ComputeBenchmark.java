package io.pulsarwasm.bench;

import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.testing.InMemoryContext;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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

/** A compute-heavy guest: 64-bit FNV-1a over 64 KiB, in C compiled to wasm against the same loop in Java. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComputeBenchmark {

    private final InMemoryContext context = new InMemoryContext();
    private final byte[] payload = new byte[65536];
    private Function<byte[], byte[]> interpreter;
    private Function<byte[], byte[]> compiler;
    private Function<byte[], byte[]> aot;
    private WasmtimeGuest wasmtimeGuest;
    private UnaryOperator<byte[]> wasmtime;

    @Setup(Level.Trial)
    public void setUp() {
        new Random(7).nextBytes(payload);
        interpreter = hash(Guests.Runtime.INTERPRETER);
        compiler = hash(Guests.Runtime.COMPILER);
        aot = hash(Guests.Runtime.AOT);
        wasmtimeGuest = new WasmtimeGuest(Guests.bytes("hash.wasm"));
        wasmtime = wasmtimeGuest.bytesProcess();
    }

    private Function<byte[], byte[]> hash(Guests.Runtime runtime) {
        return Guests.initialized(new WasmBytesFunction(), "hash.wasm", "io.pulsarwasm.bench.aot.HashModule",
                runtime, new InMemoryContext());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wasmtimeGuest.close();
    }

    /** The same FNV-1a 64 the C guest runs, with the same 8-byte little-endian output. */
    @Benchmark
    public byte[] java() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : payload) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        byte[] digest = new byte[8];
        for (int i = 0; i < 8; i++) {
            digest[i] = (byte) (hash >>> (8 * i));
        }
        return digest;
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
