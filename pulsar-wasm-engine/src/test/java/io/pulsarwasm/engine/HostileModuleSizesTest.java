package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile module sizes: modules too large to decode, compile or hold. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileModuleSizesTest {

    @Test
    void gcTypesAreRefused() {
        assertEquals(
                "wasm module 'hostile.wasm' defines a struct or array type (type 0, the GC proposal); the host does "
                        + "not run GC guests, since their objects would live on the JVM heap outside the guest's memory limit",
                loadError(
                        Wat.compile("(module (type $big (array (mut i64))) "
                                + "(func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void tooManyMemoriesAreRefusedBeforeDecoding() {
        assertEquals(
                "wasm module 'hostile.wasm' declares 5 memories, more than the limit of 4 memories "
                        + "(user config wasm.max-memories)",
                loadError(
                        Wat.compile("(module " + "(memory 0)".repeat(5)
                                + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void tooManyTablesAreRefusedBeforeDecoding() {
        assertEquals(
                "wasm module 'hostile.wasm' declares 17 tables, more than the limit of 16 tables "
                        + "(user config wasm.max-tables)",
                loadError(
                        Wat.compile("(module " + "(table 0 funcref)".repeat(17)
                                + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void tooManyGlobalsAreRefused() {
        StringBuilder globals = new StringBuilder();
        for (int i = 0; i < 10_001; i++) {
            globals.append("(global i32 (i32.const 0))");
        }
        assertEquals(
                "wasm module 'hostile.wasm' defines 10001 globals, more than the limit of 10000 globals "
                        + "(user config wasm.max-globals)",
                loadError(
                        Wat.compile("(module " + globals
                                + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void tooManyFunctionsAreRefusedBeforeDecoding() {
        StringBuilder functions = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            functions.append("(func (result i32) (i32.const ").append(i).append("))");
        }
        assertEquals(
                "wasm module 'hostile.wasm' defines 20001 functions, more than the limit of 20000 functions "
                        + "(user config wasm.max-functions)",
                loadError(
                        Wat.compile("(module " + functions
                                + " (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void aModuleAtTheFunctionLimitCompilesAndRuns() {
        StringBuilder functions = new StringBuilder();
        for (int i = 0; i < 19_999; i++) {
            functions
                    .append("(func (param i64) (result i64) (i64.add (local.get 0) (i64.const ")
                    .append(i)
                    .append(")))");
        }
        byte[] module = Wat.compile("(module " + functions
                + " (func (export \"process\") (param i64) (result i64) (call 19998 (local.get 0))))");
        try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(ExecutionMode.COMPILER);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(19_998 + 2, guest.process(2L));
        }
    }

    @Test
    void aLoweredFunctionLimitHolds() {
        assertEquals(
                "wasm module 'hostile.wasm' defines 4 functions, more than the limit of 3 functions "
                        + "(user config wasm.max-functions)",
                loadError(
                        Wat.compile(
                                "(module (func) (func) (func) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS.with(Limit.MAX_FUNCTIONS, 3)));
    }

    @Test
    void tooMuchCodeIsRefused() {
        String body = "(drop (i64.const 1))".repeat(100);
        String error = loadError(
                Wat.compile("(module (func (export \"process\") (param i64) (result i64) " + body + " local.get 0))"),
                Limits.DEFAULTS.with(Limit.MAX_CODE_BYTES, 100));
        assertTrue(error.startsWith("wasm module 'hostile.wasm' has "), error);
        assertTrue(
                error.endsWith(" bytes of code, more than the limit of 100 bytes (user config wasm.max-code-bytes)"),
                error);
    }

    @Test
    void aModuleOverTheSizeLimitIsRefused() {
        byte[] module = Wat.compile("(module (func (export \"process\") (param i64) (result i64) "
                + "(drop (i64.const 1))".repeat(50) + " local.get 0))");
        assertEquals(
                "wasm module 'hostile.wasm' is " + module.length + " bytes, more than the limit of 64 bytes "
                        + "(user config wasm.max-module-bytes)",
                loadError(module, Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 64)));
    }
}
