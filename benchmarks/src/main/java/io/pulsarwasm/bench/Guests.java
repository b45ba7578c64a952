package io.pulsarwasm.bench;

import io.pulsarwasm.engine.ExecutionMode;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.AbstractWasmFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pulsar.functions.api.Function;

/** The benchmarks' guests: sample modules, set up as Pulsar functions in each execution mode. */
final class Guests {

    /** The execution modes the benchmarks compare (wasmtime-java is {@link WasmtimeGuest}). */
    enum Runtime {
        INTERPRETER,
        COMPILER,
        AOT
    }

    private Guests() {}

    static Path samples() {
        return Path.of(System.getProperty("bench.samples", "../wasm-samples/src/main/resources"));
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(samples().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A wasm function class initialized as Pulsar would, for a sample module in a mode.
     *
     * @param function a fresh WasmFunction, WasmBytesFunction or WasmStringFunction
     * @param file the sample's file name
     * @param aotClass the class endive-compiler-maven-plugin generated for it
     */
    static <I, O> Function<I, O> initialized(
            AbstractWasmFunction<I, O> function, String file, String aotClass, Runtime runtime) {
        function.initialize(BenchContext.with(Map.of(
                WasmConfig.MODULE, samples().resolve(file).toAbsolutePath().toString(),
                ExecutionMode.KEY, runtime.name(),
                ExecutionMode.AOT_CLASS_KEY, aotClass)));
        return function;
    }
}
