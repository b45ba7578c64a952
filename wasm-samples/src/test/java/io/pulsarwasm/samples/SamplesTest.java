package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.loader.WasmInstance;
import io.pulsarwasm.loader.WasmLoader;
import org.junit.jupiter.api.Test;

/** The samples unit-tested the way a user tests a module: WasmLoader, no broker. */
class SamplesTest {

    @Test
    void doublerDoubles() {
        try (WasmLoader loader = WasmLoader.fromResource(Doubler.class.getName() + ".wasm");
                WasmInstance doubler = loader.newInstance()) {
            assertEquals(42L, doubler.process(21));
            assertEquals(-8L, doubler.process(-4));
            assertEquals(Long.MIN_VALUE, doubler.process(Long.MIN_VALUE / 2));
        }
    }

    @Test
    void scalerUsesItsDefaultsWithoutConfig() {
        try (WasmLoader loader = WasmLoader.fromResource("scaler.wasm");
                WasmInstance scaler = loader.newInstance()) {
            assertEquals(14L, scaler.process(7));
        }
    }
}
