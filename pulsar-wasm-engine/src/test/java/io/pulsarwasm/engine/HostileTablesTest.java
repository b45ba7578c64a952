package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loadError;
import static io.pulsarwasm.engine.Hostile.processError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hostile tables: a module asking for more table elements than the budget allows. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileTablesTest {

    @Test
    void aLargeTableIsRefusedAtLoad() {
        assertEquals(
                "wasm module 'hostile.wasm' declares tables of 200000 initial elements together, more than the "
                        + "limit of 100000 table elements (user config wasm.max-table-elements)",
                loadError(
                        Wat.compile(
                                "(module (table 200000 funcref) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void tablesTogetherOverTheLimitAreRefusedAtLoad() {
        assertEquals(
                "wasm module 'hostile.wasm' declares tables of 120000 initial elements together, more than the "
                        + "limit of 100000 table elements (user config wasm.max-table-elements)",
                loadError(
                        Wat.compile("(module (table 60000 funcref) (table 60000 externref) "
                                + "(func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void tablesGrowUpToTheLimitTogether(ExecutionMode mode) {
        byte[] module = Wat.compile("""
                (module (table $a 1 funcref) (table $b 1 externref)
                  (func (export "process") (param i64) (result i64)
                    (i64.add (i64.mul (i64.const 1000000)
                                      (i64.extend_i32_s (table.grow $a (ref.null func) (i32.wrap_i64 (local.get 0)))))
                             (i64.extend_i32_s (table.grow $b (ref.null extern) (i32.const 1))))))""");
        try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(1_000_000 + 1, guest.process(99_997L)); // 2 + 99,997 + 1 = 100,000 elements
            assertEquals(-1_000_000 - 1, guest.process(1L));
        }
    }

    @Test
    void growthPastTheLimitIsRefusedAndTheTrapSaysWhy() {
        byte[] module = Wat.longGuest("""
                (loop $grow (br_if $grow (i32.ne (table.grow $t (ref.null func) (i32.const 10000)) (i32.const -1))))
                unreachable""", "(table $t 1 funcref)");
        try (WasmLoader loader = load(module, Limits.DEFAULTS);
                WasmInstance guest = loader.newInstance()) {
            String error = processError(guest);
            assertTrue(
                    error.endsWith(" (a table.grow was refused: guest tables are limited to 100000 table elements, "
                            + "user config wasm.max-table-elements; the likely cause)"),
                    error);
        }
    }

    @Test
    void oneInstancesGrowthDoesNotChangeTheNextInstancesTable() {
        byte[] module = Wat.longGuest(
                "(drop (table.grow $t (ref.null func) (i32.const 10))) (i64.extend_i32_u (table.size $t))",
                "(table $t 1 funcref)");
        try (WasmLoader loader = load(module, Limits.DEFAULTS)) {
            try (WasmInstance first = loader.newInstance()) {
                assertEquals(11, first.process(0L));
                assertEquals(21, first.process(0L));
            }
            try (WasmInstance second = loader.newInstance()) {
                assertEquals(11, second.process(0L));
            }
        }
    }
}
