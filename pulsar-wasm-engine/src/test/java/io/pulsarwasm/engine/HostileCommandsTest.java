package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.FAST;
import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loadError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command entry (a WASI command whose {@code main} loops on {@code pulsar.next_input}), well
 * behaved and hostile: every message answered in order, config through {@code take_result}, and
 * each way a {@code main} can misbehave — a guest error, {@code proc_exit}, a trap, a loop, a
 * return, never asking — with its exact outcome, and no guest thread left after any of them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileCommandsTest {

    private static final String MAIN = "wasm module 'hostile.wasm': the command's main (export '_start')";

    /**
     * One command for every case, chosen by the message's first byte: {@code e} answers status 7 with
     * the error "bad", {@code x} calls proc_exit(3), {@code t} traps, {@code l} loops, {@code r}
     * returns from main, {@code c} answers the config value of "prefix" followed by the message; any
     * other message is answered as it came.
     */
    private static final String COMMAND = """
            (module
              (import "pulsar" "next_input" (func $next (param i32) (result i64)))
              (import "pulsar" "take_result" (func $take (param i32)))
              (import "pulsar" "set_output" (func $out (param i32 i32)))
              (import "pulsar" "set_error" (func $err (param i32 i32)))
              (import "pulsar" "get_config" (func $config (param i32 i32) (result i64)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 0) "prefix")
              (data (i32.const 16) "bad")
              (func (export "_start") (local $r i64) (local $n i32) (local $c i64) (local $cn i32) (local $status i32)
                (loop $messages
                  (local.set $r (call $next (local.get $status)))
                  (if (i64.eq (local.get $r) (i64.const -1)) (then (return)))
                  (local.set $n (i32.wrap_i64 (local.get $r)))
                  (call $take (i32.const 1024))
                  (local.set $status (i32.const 0))
                  (block $done
                    (if (i32.eqz (local.get $n)) (then (call $out (i32.const 1024) (i32.const 0)) (br $done)))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 101))
                      (then (call $err (i32.const 16) (i32.const 3)) (local.set $status (i32.const 7)) (br $done)))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 120)) (then (call $exit (i32.const 3))))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 116)) (then unreachable))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 108)) (then (loop $forever (br $forever))))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 114)) (then (return)))
                    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 99))
                      (then
                        (local.set $c (call $config (i32.const 0) (i32.const 6)))
                        (local.set $cn (i32.wrap_i64 (local.get $c)))
                        (call $take (i32.const 4096))
                        (memory.copy (i32.add (i32.const 4096) (local.get $cn)) (i32.const 1024) (local.get $n))
                        (call $out (i32.const 4096) (i32.add (local.get $cn) (local.get $n)))
                        (br $done)))
                    (call $out (i32.const 1024) (local.get $n)))
                  (br $messages))))""";

    private static WasmLoader command() {
        return load(Wat.compile(COMMAND), FAST);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static CommandEntry entry(WasmInstance guest) {
        return (CommandEntry) guest.entry();
    }

    private static void assertThreadEnds(WasmInstance guest) {
        Awaitility.await("the guest thread ends")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !entry(guest).guestThreadAlive());
    }

    @Test
    void everyMessageIsAnsweredInOrderAndMainReturnsAtClose() {
        TestHost host = new TestHost().userConfig("prefix", "p:");
        try (WasmLoader loader = command()) {
            assertEquals(EntryPoint.BYTES, loader.entryPoint());
            WasmInstance guest = loader.newInstance(host);
            assertEquals("a", text(guest.process(bytes("a")).output()));
            assertEquals("", text(guest.process(new byte[0]).output()));
            assertEquals("p:c1", text(guest.process(bytes("c1")).output()));
            byte[] large = new byte[40_000];
            large[0] = 'z';
            assertArrayEquals(large, guest.process(large).output());
            assertTrue(entry(guest).guestThreadAlive());
            guest.close();
            assertFalse(entry(guest).guestThreadAlive());
        }
    }

    @Test
    void aGuestErrorFailsTheMessageAndTheNextOneIsAnswered() {
        try (WasmLoader loader = command();
                WasmInstance guest = loader.newInstance(new TestHost())) {
            GuestErrorException error = assertThrows(GuestErrorException.class, () -> guest.process(bytes("e")));
            assertEquals(MAIN + " answered status 7: bad", error.getMessage());
            assertEquals("ok", text(guest.process(bytes("ok")).output()));
        }
    }

    @Test
    void procExitFailsTheMessageAndEveryLaterOne() {
        try (WasmLoader loader = command()) {
            WasmInstance guest = loader.newInstance(new TestHost());
            assertEquals(
                    MAIN + " ended: its main called proc_exit(3) before it answered",
                    assertThrows(WasmExecutionException.class, () -> guest.process(bytes("x")))
                            .getMessage());
            assertEquals(
                    MAIN + " ended: its main called proc_exit(3) before this message",
                    assertThrows(WasmExecutionException.class, () -> guest.process(bytes("a")))
                            .getMessage());
            assertThreadEnds(guest);
            guest.discard();
        }
    }

    @Test
    void aTrapFailsTheMessageAsAnyGuestsTrapDoes() {
        try (WasmLoader loader = command()) {
            WasmInstance guest = loader.newInstance(new TestHost());
            String message = assertThrows(WasmExecutionException.class, () -> guest.process(bytes("t")))
                    .getMessage();
            assertTrue(message.startsWith(MAIN + " trapped: "), message);
            assertThreadEnds(guest);
            guest.discard();
        }
    }

    @Test
    void aMessageThatLoopsTimesOutAndDiscardingEndsTheGuestThread() {
        try (WasmLoader loader = command()) {
            WasmInstance guest = loader.newInstance(new TestHost());
            long start = System.nanoTime();
            WasmTimeoutException error = assertThrows(WasmTimeoutException.class, () -> guest.process(bytes("l")));
            assertEquals(MAIN + " timed out after 200 ms (user config wasm.timeout-ms)", error.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
            guest.discard();
            assertThreadEnds(guest);
        }
    }

    @Test
    void aMainThatReturnsInsteadOfAskingAgainFailsTheMessage() {
        try (WasmLoader loader = command()) {
            WasmInstance guest = loader.newInstance(new TestHost());
            assertEquals(
                    MAIN + " ended: its main returned before it answered",
                    assertThrows(WasmExecutionException.class, () -> guest.process(bytes("r")))
                            .getMessage());
            assertThreadEnds(guest);
            guest.discard();
        }
    }

    @Test
    void aMainThatNeverAsksForAMessageFailsTheStartAtTheDeadline() {
        String module = COMMAND.replace(
                "(loop $messages\n", "(loop $forever (br $forever))\n                  (loop $messages\n");
        assertTrue(module.contains("$forever (br $forever))\n"));
        assertEquals(
                MAIN + " until it asked for its first message timed out after 200 ms (user config wasm.timeout-ms)",
                loadError(Wat.compile(module), FAST));
    }

    @Test
    void aMainThatReturnsAtOnceFailsTheStart() {
        String module = COMMAND.replace("(loop $messages\n", "(return)\n                  (loop $messages\n");
        assertEquals(
                MAIN
                        + " until it asked for its first message ended: its main returned before it asked for its first message",
                loadError(Wat.compile(module), FAST));
    }

    @Test
    void takingAValueThatIsNotHeldFailsInTheHostCall() {
        String module =
                COMMAND.replace("(loop $messages\n", "(call $take (i32.const 0))\n                  (loop $messages\n");
        assertEquals(
                MAIN + " until it asked for its first message failed in host call pulsar.take_result: no value is held "
                        + "(take_result follows a call that returned a value's length, once)",
                loadError(Wat.compile(module), FAST));
    }

    @Test
    void aCommandThatAlsoExportsInitIsRefusedAtLoad() {
        String module = COMMAND.replace(
                "(memory (export \"memory\") 1)", "(memory (export \"memory\") 1) (func (export \"init\"))");
        assertEquals(
                "wasm module 'hostile.wasm' is a WASI command (it imports 'pulsar.next_input' and exports '_start') but "
                        + "also exports 'init', which the host never calls: a command's main does its own start and end",
                assertThrows(WasmLoadException.class, () -> load(Wat.compile(module), FAST))
                        .getMessage());
    }

    @Test
    void aMainThatNeverReturnsAtCloseIsCutOffAtTheDeadlineAndItsThreadEnds() {
        String module = COMMAND.replace(
                "(if (i64.eq (local.get $r) (i64.const -1)) (then (return)))",
                "(if (i64.eq (local.get $r) (i64.const -1)) (then (loop $forever (br $forever))))");
        assertTrue(module.contains("$forever (br $forever)"));
        try (WasmLoader loader = load(Wat.compile(module), FAST)) {
            WasmInstance guest = loader.newInstance(new TestHost());
            assertEquals("a", text(guest.process(bytes("a")).output()));
            WasmTimeoutException error = assertThrows(WasmTimeoutException.class, guest::close);
            assertEquals(
                    MAIN + " returning after its last message timed out after 200 ms (user config wasm.timeout-ms)",
                    error.getMessage());
            assertFalse(entry(guest).guestThreadAlive());
        }
    }

    @Test
    void closingTheLoaderEndsTheGuestThreadsOfItsInstances() {
        WasmInstance first;
        WasmInstance second;
        try (WasmLoader loader = command()) {
            first = loader.newInstance(new TestHost());
            second = loader.newInstance(new TestHost());
            assertEquals("1", text(first.process(bytes("1")).output()));
            assertEquals("2", text(second.process(bytes("2")).output()));
        }
        assertFalse(entry(first).guestThreadAlive());
        assertFalse(entry(second).guestThreadAlive());
    }
}
