package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.testing.InMemoryHost;
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
 * {@code pulsar.get_redelivery_count} and JavaScript's {@code ctx.redeliveryCount()}: the current
 * message's, 0 on its first delivery and outside a message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedeliveryCountTest {

    private static final byte[] GUEST = Wat.longGuest("(i64.extend_i32_s (call $get_redelivery_count))", "");

    @Test
    void aModuleReadsTheCurrentMessagesCount() {
        InMemoryHost host = new InMemoryHost();
        try (WasmLoader loader =
                        WasmLoader.fromBytes("count.wasm", GUEST, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(host)) {
            assertEquals(0L, guest.process(7L), "outside a message");
            host.setRecord(TestRecord.of(7L));
            assertEquals(0L, guest.process(7L), "a first delivery");
            host.setRecord(TestRecord.of(7L).withRedeliveryCount(3));
            assertEquals(3L, guest.process(7L), "the fourth delivery");
        }
    }

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
