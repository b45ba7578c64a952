package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript's {@code ctx.redeliveryCount()} through the tester: the current message's, 0 on its
 * first delivery (the engine's {@code RedeliveryCountTest} has the wasm import).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaScriptRedeliveryCountTest {

    @Test
    void aJavaScriptFunctionReadsItThroughCtx(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(
                dir.resolve("count.js"),
                "export function process(input, ctx) { return input + ' ' + ctx.redeliveryCount(); }\n");
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(script.toUri().toString())) {
            assertEquals("a 0", tester.process(TestRecord.of("a")));
            assertEquals("b 2", tester.process(TestRecord.of("b").withRedeliveryCount(2)));
        }
    }

    @Test
    void aNegativeCountIsRefusedByTheTestRecord() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TestRecord.of("x").withRedeliveryCount(-1));
        assertEquals("a redelivery count is at least 0, got -1", refused.getMessage());
    }
}
