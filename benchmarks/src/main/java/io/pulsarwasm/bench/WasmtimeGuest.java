package io.pulsarwasm.bench;

import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.Linker;
import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.Module;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.WasmFunctions;
import io.github.kawamuray.wasmtime.WasmValType;

/**
 * A sample module on wasmtime-java 0.19.0 (JNI), with the same host imports ours gets, so the
 * same {@code .wasm} runs on both runtimes. What PIP-331's prototype would have paid per call,
 * used as that binding's users would at its best: exports and the memory looked up once, typed
 * function wrappers made once; only the memory's buffer view is fetched per call, since a
 * {@code memory.grow} can move it.
 */
final class WasmtimeGuest implements AutoCloseable {

    private final Store<Void> store = Store.withoutData();
    private final Linker linker = new Linker(store.engine());
    private final Module module;
    private Memory memory;
    private byte[] output;

    WasmtimeGuest(byte[] wasm) {
        module = Module.fromBinary(store.engine(), wasm);
        define(
                "get_config",
                WasmFunctions.wrap(store, WasmValType.I32, WasmValType.I32, WasmValType.I64, (ptr, len) -> -1L));
        define(
                "log",
                WasmFunctions.wrap(store, WasmValType.I32, WasmValType.I32, WasmValType.I32, (level, ptr, len) -> {}));
        define(
                "counter_incr",
                WasmFunctions.wrap(store, WasmValType.I32, WasmValType.I32, WasmValType.I64, (p, l, n) -> {}));
        define("set_output", WasmFunctions.wrap(store, WasmValType.I32, WasmValType.I32, (ptr, len) -> {
            output = new byte[len];
            memory.buffer(store).get(ptr, output);
        }));
        linker.module(store, "", module);
        memory = linker.get(store, "", "memory").map(Extern::memory).orElse(null);
        linker.get(store, "", "init")
                .ifPresent(init -> WasmFunctions.consumer(store, init.func()).accept());
    }

    private void define(String name, Func function) {
        linker.define(store, "pulsar", name, Extern.fromFunc(function));
    }

    WasmFunctions.Function1<Long, Long> longProcess() {
        return WasmFunctions.func(
                store, linker.get(store, "", "process").orElseThrow().func(), WasmValType.I64, WasmValType.I64);
    }

    /** The bytes entry point: input through the guest's alloc, output through set_output. */
    java.util.function.UnaryOperator<byte[]> bytesProcess() {
        var alloc = WasmFunctions.func(
                store, linker.get(store, "", "alloc").orElseThrow().func(), WasmValType.I32, WasmValType.I32);
        var process = WasmFunctions.func(
                store,
                linker.get(store, "", "process").orElseThrow().func(),
                WasmValType.I32,
                WasmValType.I32,
                WasmValType.I32);
        return input -> {
            int ptr = alloc.call(input.length);
            memory.buffer(store).put(ptr, input);
            output = null;
            process.call(ptr, input.length);
            return output;
        };
    }

    @Override
    public void close() {
        linker.dispose();
        module.dispose();
        store.dispose();
    }
}
