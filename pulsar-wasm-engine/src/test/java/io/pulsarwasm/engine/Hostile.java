package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What the hostile suites ({@code Hostile*Test}) share: how a hostile module is loaded and how its
 * failure reads. Each suite is one kind of bound (memories, tables, module sizes, deadlines, host
 * buffers, errors from the JVM, WASI directories, configuration); the module's surefire runs them
 * under {@code -Xmx512m}, so an unbounded host buffer fails the run instead of passing unnoticed.
 */
final class Hostile {

    static final String NAME = "hostile.wasm";
    static final Limits FAST = Limits.DEFAULTS.with(Limit.TIMEOUT_MS, 200);

    static WasmLoader load(byte[] module, Limits limits) {
        return WasmLoader.fromBytes(NAME, module, new Sandbox(limits, WasiConfig.OFF));
    }

    static String loadError(byte[] module, Limits limits) {
        return assertThrows(WasmLoadException.class, () -> {
                    try (WasmLoader loader = load(module, limits);
                            WasmInstance instance = loader.newInstance(new TestHost())) {
                        instance.entryPoint();
                    }
                })
                .getMessage();
    }

    static String loop(int times, String body) {
        return "(local.set $i (i32.const 0)) (loop $l " + body
                + " (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.lt_u (local.get $i) (i32.const " + times + "))))";
    }

    static String processError(WasmInstance instance) {
        return assertThrows(WasmExecutionException.class, () -> instance.process(0L))
                .getMessage();
    }

    static String hostCallFailure(String call, String problem) {
        return "wasm module '" + NAME + "': export 'process' failed in host call pulsar." + call + ": " + problem;
    }

    private Hostile() {}
}
