package io.pulsarwasm.bench;

import io.pulsarwasm.function.WasmBytesFunction;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A bytes guest in every execution mode and on wasmtime-java, against a Java baseline the subclass
 * writes: the set-up and the wasm side of the bytes benchmarks.
 */
public abstract class BytesGuestBenchmark {

    private final Context context = BenchContext.with(Map.of());
    private Function<byte[], CompletableFuture<byte[]>> interpreter;
    private Function<byte[], CompletableFuture<byte[]>> compiler;
    private Function<byte[], CompletableFuture<byte[]>> aot;
    private WasmtimeGuest wasmtimeGuest;
    private UnaryOperator<byte[]> wasmtime;

    /** @return the sample module's file name */
    abstract String module();

    /** @return the class endive-compiler-maven-plugin generated for it */
    abstract String aotClass();

    /** @return the message the benchmark passes */
    abstract byte[] payload();

    @Setup(Level.Trial)
    public void setUpGuests() {
        interpreter = function(Guests.Runtime.INTERPRETER);
        compiler = function(Guests.Runtime.COMPILER);
        aot = function(Guests.Runtime.AOT);
        wasmtimeGuest = new WasmtimeGuest(Guests.bytes(module()));
        wasmtime = wasmtimeGuest.bytesProcess();
    }

    private Function<byte[], CompletableFuture<byte[]>> function(Guests.Runtime runtime) {
        return Guests.initialized(new WasmBytesFunction(), module(), aotClass(), runtime);
    }

    @TearDown(Level.Trial)
    public void tearDownGuests() {
        wasmtimeGuest.close();
    }

    @Benchmark
    public byte[] interpreter() throws Exception {
        return interpreter.process(payload(), context).join();
    }

    @Benchmark
    public byte[] compiler() throws Exception {
        return compiler.process(payload(), context).join();
    }

    @Benchmark
    public byte[] aot() throws Exception {
        return aot.process(payload(), context).join();
    }

    @Benchmark
    public byte[] wasmtime() {
        return wasmtime.apply(payload());
    }
}
