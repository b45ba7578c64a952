package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pinned JavaScript engine has the value layout the host's direct path reads ({@link
 * ValueTags}): if an engine version changes it, the host still works through the prelude's
 * dispatcher, slower, and this test says so instead of the benchmarks.
 */
@Timeout(60)
class JsEngineLayoutTest {

    @Test
    void theHostCallsProcessDirectlyOnThePinnedEngine() {
        byte[] source = "export function process(input) { return input + '!'; }".getBytes(StandardCharsets.UTF_8);
        try (WasmLoader loader = WasmLoader.fromJavaScript("f.js", source, Sandbox.DEFAULT);
                WasmInstance guest = loader.newInstance(new TestHost())) {
            assertTrue(((JsEntry) guest.entry()).callsProcessDirectly(), "the value layout did not check out");
            assertEquals(
                    "a\u0000b!",
                    new String(
                            guest.process("a\u0000b".getBytes(StandardCharsets.UTF_8))
                                    .output(),
                            StandardCharsets.UTF_8));
            assertEquals(
                    "\u00e9t\u00e9!",
                    new String(
                            guest.process("\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8))
                                    .output(),
                            StandardCharsets.UTF_8));
        }
    }
}
