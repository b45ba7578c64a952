package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code pulsar.get_redelivery_count}, and JavaScript's {@code ctx.redeliveryCount()}: the current
 * message's, 0 on its first delivery and outside a message.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedeliveryCountTest {

    private static final byte[] GUEST = Wat.longGuest("(i64.extend_i32_s (call $get_redelivery_count))", "");

    @Test
    void aModuleReadsTheCurrentMessagesCount() {
        TestHost host = new TestHost();
        try (WasmLoader loader =
                        WasmLoader.fromBytes("count.wasm", GUEST, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(host)) {
            assertEquals(0L, guest.process(7L), "a first delivery, or outside a message");
            host.redeliveryCount(3);
            assertEquals(3L, guest.process(7L), "the fourth delivery");
        }
    }

    @Test
    void aJavaScriptFunctionReadsItThroughCtx() {
        try (JsGuest guest =
                new JsGuest("export function process(input, ctx) { return input + ' ' + ctx.redeliveryCount(); }\n")) {
            assertEquals("a 0", guest.process("a"));
            guest.host().redeliveryCount(2);
            assertEquals("b 2", guest.process("b"));
        }
    }
}
