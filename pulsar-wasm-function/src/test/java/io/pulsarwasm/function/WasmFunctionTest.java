package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.RecordingContext;
import io.pulsarwasm.loader.WasmLoadException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WasmFunctionTest {

    @Test
    void runsTheModuleNamedByUserConfig() {
        RecordingContext recording = new RecordingContext(
                Map.of(WasmFunction.MODULE_KEY, "classpath:wasm/greeter.wasm", "greeting", "hey"));
        WasmFunction function = new WasmFunction();
        function.initialize(recording.context());
        assertEquals(8L, function.process(5L, recording.context()));
        assertNull(function.process(null, recording.context()));
        function.close();
        assertEquals(List.of("INFO ready",
                        "INFO pulsar-wasm: loaded module 'greeter.wasm' for test-function",
                        "INFO hey",
                        "INFO bye"),
                recording.logLines());
    }

    @Test
    void withoutUserConfigLooksForTheResourceNamedAfterTheClass() {
        RecordingContext recording = new RecordingContext(Map.of());
        WasmLoadException error = assertThrows(WasmLoadException.class,
                () -> new WasmFunction().initialize(recording.context()));
        assertEquals("wasm module resource 'io.pulsarwasm.function.WasmFunction.wasm' not found on the classpath",
                error.getMessage());
    }
}
