package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** EventTimeConfig: its keys' checks, where it finds a time, and the acknowledgement-mode check. */
class EventTimeConfigTest {

    private static String refusal(Map<String, ?> config) {
        return assertThrows(IllegalArgumentException.class, () -> EventTimeConfig.parse(config))
                .getMessage();
    }

    @Test
    void keysAreCheckedByName() {
        assertNull(EventTimeConfig.parse(Map.of("wasm.module", "m")));
        assertEquals(
                "user config wasm.window.max-lag-ms needs wasm.window.length-ms (the window's length in event time)",
                refusal(Map.of("wasm.window.max-lag-ms", 5.0)));
        assertEquals(
                "user config wasm.window.length-ms must be a whole number of ms from 1 to 1099511627776, got 0.5",
                refusal(Map.of("wasm.window.length-ms", 0.5)));
        assertEquals(
                "user config wasm.window.slide-ms must be a whole number of ms from 1 to 10, got 11.0",
                refusal(Map.of("wasm.window.length-ms", 10.0, "wasm.window.slide-ms", 11.0)));
        assertEquals(
                "user config wasm.window.length-ms 1001 is more than 1000 times wasm.window.slide-ms 1: a message "
                        + "would be in too many windows",
                refusal(Map.of("wasm.window.length-ms", 1001.0, "wasm.window.slide-ms", 1.0)));
        assertEquals(
                "user config wasm.window.time must be message or json, got 'value'",
                refusal(Map.of("wasm.window.length-ms", 10.0, "wasm.window.time", "value")));
        EventTimeConfig ok = EventTimeConfig.parse(
                Map.of("wasm.window.length-ms", 1000.0, "wasm.window.slide-ms", 1.0, "wasm.window.late-topic", "late"));
        assertEquals("late", ok.lateTopic());
        assertEquals(0, ok.windows(Limits.DEFAULTS).waiting());
    }

    @Test
    void aTimeFromTheMessageOrTheValueAndNotTooFarAhead() {
        EventTimeConfig message = EventTimeConfig.parse(Map.of("wasm.window.length-ms", 10.0));
        assertEquals(5L, message.timeOf(null, OptionalLong.of(5), 0));
        assertEquals(
                "no event time: the message has none (its producer sets one with newMessage().eventTime(ms)); or "
                        + "read it from a JSON value with wasm.window.time json",
                assertThrows(IllegalArgumentException.class, () -> message.timeOf(null, OptionalLong.of(0), 0))
                        .getMessage());
        EventTimeConfig json = EventTimeConfig.parse(
                Map.of("wasm.window.length-ms", 10.0, "wasm.window.time", "json", "wasm.window.max-future-ms", 1000.0));
        byte[] value = "{\"eventTime\": 3000}".getBytes(StandardCharsets.UTF_8);
        assertEquals(3000L, json.timeOf(value, OptionalLong.of(99), 2000));
        assertEquals(
                "event time 3000 is more than 1000 ms ahead of this instance's clock (1999; user config "
                        + "wasm.window.max-future-ms)",
                assertThrows(IllegalArgumentException.class, () -> json.timeOf(value, OptionalLong.empty(), 1999))
                        .getMessage());
        // a JSON time may be 0 or before 1970; a message's own 0 is Pulsar's "none"
        assertEquals(-5L, json.timeOf("{\"eventTime\": -5}".getBytes(StandardCharsets.UTF_8), OptionalLong.empty(), 0));
    }

    /** Pulsar 4.0's ContextImpl, as far as ackMode reads it. */
    private static final class FakeContext {
        @SuppressWarnings("unused")
        private final Object config;

        FakeContext(String guarantees) {
            this.config = new Object() {
                @SuppressWarnings("unused")
                public Object getFunctionDetails() {
                    return new Object() {
                        @SuppressWarnings("unused")
                        public Object getProcessingGuarantees() {
                            return guarantees;
                        }
                    };
                }
            };
        }
    }

    @Test
    void theAcknowledgementModeIsPulsarsGuaranteeAsItIs() {
        assertEquals("MANUAL", WasmWindowFunction.ackMode(new FakeContext("MANUAL")));
        assertEquals("ATLEAST_ONCE", WasmWindowFunction.ackMode(new FakeContext("ATLEAST_ONCE")));
        assertNull(WasmWindowFunction.ackMode(new Object()));
    }
}
