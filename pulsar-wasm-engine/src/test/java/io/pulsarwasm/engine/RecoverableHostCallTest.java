package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code try_} host calls and {@code last_error}: a failure of the host is the guest's to
 * handle, a mistake of the guest's still fails its call, and the plain calls keep failing it.
 * Each guest answers with {@code last_error}'s text, or {@code ok} when it is absent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecoverableHostCallTest {

    private static final String NAME = "hostile.wasm";
    private static final String NOT_ENABLED = "State public/default/test-function is not enabled.";

    /** A guest that makes one call, then answers with last_error's text or "ok". */
    private static byte[] guest(String call) {
        return Wat.bytesGuest(
                call + """
                (if (i64.eq (call $last_error) (i64.const -1))
                  (then (call $set_output (i32.const 16) (i32.const 2)))
                  (else (call $set_output (i32.wrap_i64 (i64.shr_u (call $last_error) (i64.const 32)))
                                          (i32.wrap_i64 (call $last_error)))))
                (i32.const 0)""", "(data (i32.const 0) \"c\") (data (i32.const 16) \"ok\") (data (i32.const 32) \"side\")");
    }

    private static String answer(byte[] module, TestHost host) {
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(host)) {
            Invocation invocation = guest.process(new byte[] {1});
            assertSame(invocation.output(), invocation.stored().join());
            return new String(invocation.output(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStateStoreThatIsNotThereIsTheGuestsToHandle() {
        TestHost host = new TestHost().failState(new IllegalStateException(NOT_ENABLED));
        assertEquals(
                "pulsar.counter_incr: java.lang.IllegalStateException: " + NOT_ENABLED,
                answer(guest("(call $try_counter_incr (i32.const 0) (i32.const 1) (i64.const 1))"), host));
        assertEquals(
                "pulsar.state_get: java.lang.IllegalStateException: " + NOT_ENABLED,
                answer(guest("(drop (call $try_state_get (i32.const 0) (i32.const 1)))"), host));
    }

    @Test
    void aCallThatWorksLeavesNoError() {
        TestHost host = new TestHost();
        assertEquals("ok", answer(guest("(call $try_counter_incr (i32.const 0) (i32.const 1) (i64.const 5))"), host));
        assertEquals(Map.of("c", 5L), host.counters());
        assertEquals(
                "ok",
                answer(
                        guest("(call $try_publish (i32.const 32) (i32.const 4) (i32.const 0) (i32.const 1) "
                                + "(i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0))"),
                        host));
        assertEquals(List.of("c"), host.published().stream().map(m -> m.text()).toList());
    }

    @Test
    void aPublishRefusedAtOnceIsTheGuestsToHandleAndDoesNotFailTheMessage() {
        TestHost host = new TestHost().failPublishes(new IllegalStateException("broker says no"));
        assertEquals(
                "pulsar.publish to 'side': java.lang.IllegalStateException: broker says no",
                answer(
                        guest("(call $try_publish (i32.const 32) (i32.const 4) (i32.const 0) (i32.const 1) "
                                + "(i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0))"),
                        host));
    }

    @Test
    void aBadValuePointerOfARecoverableWriteStillFailsItsCall() {
        // the value is read before the write is made, so a bad pointer is the guest's mistake, not the host's failure
        byte[] module = guest("(call $try_state_put (i32.const 0) (i32.const 1) (i32.const 131000) (i32.const 100))");
        TestHost host = new TestHost();
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(host)) {
            assertEquals(
                    "wasm module 'hostile.wasm': export 'process' failed in host call pulsar.state_put: guest range "
                            + "[131000, 131100) is outside guest memory of 131072 bytes",
                    assertThrows(WasmExecutionException.class, () -> guest.process(new byte[] {1}))
                            .getMessage());
        }
        assertEquals(Map.of(), host.state());
    }

    @Test
    void theGuestsOwnMistakeStillFailsItsCall() {
        byte[] module = guest("(drop (call $try_state_get (i32.const 131000) (i32.const 100)))");
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(new TestHost())) {
            assertEquals(
                    "wasm module 'hostile.wasm': export 'process' failed in host call pulsar.state_get: guest range "
                            + "[131000, 131100) is outside guest memory of 131072 bytes",
                    assertThrows(WasmExecutionException.class, () -> guest.process(new byte[] {1}))
                            .getMessage());
        }
    }

    @Test
    void aTrapInTheGuestsOwnAllocDuringATryCallStillFailsItsCall() {
        byte[] module = Wat.compile("""
                (module
                  (import "pulsar" "state_put" (func $state_put (param i32 i32 i32 i32)))
                  (import "pulsar" "try_state_get" (func $try_state_get (param i32 i32) (result i64)))
                  (memory (export "memory") 1)
                  (data (i32.const 0) "k")
                  (func (export "alloc") (param i32) (result i32) unreachable)
                  (func (export "process") (param i64) (result i64)
                    (call $state_put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1))
                    (drop (call $try_state_get (i32.const 0) (i32.const 1)))
                    (i64.const 7)))""");
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(new TestHost())) {
            String error = assertThrows(WasmExecutionException.class, () -> guest.process(1L))
                    .getMessage();
            assertEquals(
                    "wasm module 'hostile.wasm': export 'process' trapped: Trapped on unreachable instruction",
                    error.substring(0, Math.min(error.length(), 97)),
                    error);
        }
    }

    @Test
    void aTryCallThatWorksAfterOneThatFailedClearsTheError() {
        TestHost host = new TestHost().failState(new IllegalStateException(NOT_ENABLED));
        byte[] module = guest("(call $try_counter_incr (i32.const 0) (i32.const 1) (i64.const 1))");
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(host)) {
            assertEquals(
                    "pulsar.counter_incr: java.lang.IllegalStateException: " + NOT_ENABLED,
                    new String(guest.process(new byte[] {1}).output(), StandardCharsets.UTF_8));
            host.failState(null);
            assertEquals("ok", new String(guest.process(new byte[] {1}).output(), StandardCharsets.UTF_8));
            assertEquals(Map.of("c", 1L), host.counters());
        }
    }

    @Test
    void theDeadlineDuringATryCallIsATimeoutNotARecoverableError() {
        byte[] module = guest("(drop (call $try_state_get (i32.const 0) (i32.const 1)))");
        try (WasmLoader loader = WasmLoader.fromBytes(
                        NAME, module, new Sandbox(Limits.DEFAULTS.with(Limit.TIMEOUT_MS, 200), WasiConfig.OFF));
                WasmInstance guest = loader.newInstance(new TestHost().stall(true))) {
            assertEquals(
                    "wasm module 'hostile.wasm': export 'process' timed out after 200 ms (user config wasm.timeout-ms)",
                    assertThrows(WasmTimeoutException.class, () -> guest.process(new byte[] {1}))
                            .getMessage());
        }
    }

    @Test
    void thePlainCallStillFailsTheGuestsCall() {
        byte[] module = Wat.bytesGuest(
                "(call $counter_incr (i32.const 0) (i32.const 1) (i64.const 1)) (i32.const 0)",
                "(data (i32.const 0) \"c\")");
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, WasiConfig.OFF));
                WasmInstance guest =
                        loader.newInstance(new TestHost().failState(new IllegalStateException(NOT_ENABLED)))) {
            assertEquals(
                    "wasm module 'hostile.wasm': export 'process' failed in host call pulsar.counter_incr: "
                            + "java.lang.IllegalStateException: " + NOT_ENABLED,
                    assertThrows(WasmExecutionException.class, () -> guest.process(new byte[] {1}))
                            .getMessage());
        }
    }
}
