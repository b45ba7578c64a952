package io.pulsarwasm.bench;

import io.pulsarwasm.engine.Sandbox;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.wasm.Parser;

/**
 * From bytes to a ready guest, measured once per fresh JVM (single shot): load and instantiate in
 * each mode, the runtime compiler on the largest sample (the Rust word counter), and a JavaScript
 * function.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ColdStartBenchmark {

    private final byte[] doubler = Guests.bytes("io.pulsarwasm.samples.Doubler.wasm");
    private final byte[] wordcount = Guests.bytes("wordcount.wasm");
    private final byte[] relay = Guests.bytes("../../../javascript/relay.js");

    @Benchmark
    public long interpreterDoubler() {
        try (WasmLoader loader = WasmLoader.fromBytes("doubler", doubler);
                WasmInstance guest = loader.newInstance()) {
            return guest.process(1);
        }
    }

    @Benchmark
    public long aotDoubler() {
        try (WasmLoader loader = WasmLoader.fromAot(
                        "io.pulsarwasm.bench.aot.DoublerModule", getClass().getClassLoader(), Sandbox.DEFAULT);
                WasmInstance guest = loader.newInstance()) {
            return guest.process(1);
        }
    }

    @Benchmark
    public long compilerDoubler() {
        try (WasmLoader loader = WasmLoader.fromBytes("doubler", doubler)
                        .withExecution(io.pulsarwasm.engine.ExecutionMode.COMPILER);
                WasmInstance guest = loader.newInstance()) {
            return guest.process(1);
        }
    }

    /**
     * A JavaScript function from its source to its first output, as {@code initialize} and the
     * first message make it in a fresh JVM: loading QuickJS's classes, starting the engine,
     * compiling the prelude and the module, evaluating them, one call.
     */
    @Benchmark
    public long javaScriptRelay() {
        try (WasmLoader loader = WasmLoader.fromJavaScript("relay.js", relay, Sandbox.DEFAULT);
                WasmInstance guest = loader.newInstance()) {
            return guest.process("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .output()
                    .length;
        }
    }

    /**
     * A Go function (a 2.4 MB WASI command) from its bytes to its first output in a fresh JVM, as
     * {@code initialize} and the first message make it: compiling the module to JVM bytecode (once
     * per JVM), Go's runtime initialisation, {@code main} until it asks for a message, one call.
     */
    @Benchmark
    public long goRelay() {
        try (WasmLoader loader = GoCallBenchmark.loader();
                WasmInstance guest = loader.newInstance()) {
            return guest.process("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .output()
                    .length;
        }
    }

    /** Compiling the 62 KB Rust word counter to JVM bytecode: what a runtime-compiled module pays once per JVM. */
    @Benchmark
    public Object compileWordcount() {
        return MachineFactoryCompiler.compile(Parser.parse(wordcount));
    }
}
