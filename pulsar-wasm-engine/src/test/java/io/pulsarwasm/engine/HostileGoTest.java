package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile Go, built by Go 1.23 against sdk/go ({@code src/test/go/go_hostile}): a goroutine that
 * never yields, {@code os.Exit}, a panic outside the handler and one in it, an allocation loop, a
 * {@code main} that never asks for a message and one that exits at once. Each has its exact
 * outcome, and the session carries on with a fresh instance where the old one cannot. And the
 * context's absent and empty values, each through the command entry's held values.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileGoTest {

    private static final String NAME = "go_hostile.wasm";
    private static final String MAIN = "wasm module 'go_hostile.wasm': the command's main (export '_start')";
    private static final Limits LIMITS = Limits.DEFAULTS.with(Limit.MAX_MEMORY_PAGES, 1024);

    /** The module in the compiler mode, as a worker runs it (compiled once per JVM, shared by loaders). */
    private static WasmLoader loader() {
        return load(List.of()).withExecution(ExecutionMode.COMPILER);
    }

    private static WasmLoader load(List<String> arguments) {
        List<String> argv = new java.util.ArrayList<>(List.of(NAME));
        argv.addAll(arguments);
        return WasmLoader.fromBytes(
                NAME,
                ModuleSource.readResource(HostileGoTest.class.getClassLoader(), "wasm/" + NAME, Limits.DEFAULTS),
                new Sandbox(LIMITS, new WasiConfig(true, Map.of(), argv, Map.of())));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String answer(WasmSession session, String message) {
        return new String(session.process(bytes(message)).output(), StandardCharsets.UTF_8);
    }

    private static String failure(WasmSession session, String message) {
        return assertThrows(WasmExecutionException.class, () -> session.process(bytes(message)))
                .getMessage();
    }

    @Test
    void absentAndEmptyValuesCrossTheCommandEntryApart() {
        TestHost host = new TestHost().userConfig("greeting", "");
        try (WasmSession session = new WasmSession(loader(), host)) {
            assertEquals(
                    String.join(
                            "\n",
                            "config=/true",
                            "config-missing=/false",
                            "secret=/false",
                            "key=/false",
                            "topic=/false",
                            "property=/false",
                            "properties=/true",
                            "event-time=-1/false",
                            "message-id=/false",
                            "schema=/false",
                            "identity=public/default/none/true",
                            "instance=0 of 1/true",
                            "redelivery=0/true",
                            "state-absent=\"\" <nil>/false"),
                    answer(session, "probe"));
        }
    }

    @Test
    void aGoroutineThatNeverYieldsTimesOutAndTheNextMessageGetsAFreshInstance() {
        try (WasmSession session = new WasmSession(loader(), new TestHost())) {
            assertEquals("before", answer(session, "before"));
            assertEquals(MAIN + " timed out after 5000 ms (user config wasm.timeout-ms)", failure(session, "spin"));
            assertEquals("after", answer(session, "after"));
        }
    }

    @Test
    void osExitEndsTheInstanceAndTheNextMessageGetsAFreshOne() {
        try (WasmSession session = new WasmSession(loader(), new TestHost())) {
            assertEquals(MAIN + " ended: its main called proc_exit(3) before it answered", failure(session, "exit"));
            assertEquals("after", answer(session, "after"));
        }
    }

    @Test
    void aPanicOutsideTheHandlerEndsTheInstanceAndItsTextReachesTheLog() {
        TestHost host = new TestHost();
        try (WasmSession session = new WasmSession(loader(), host)) {
            assertEquals(
                    MAIN
                            + " ended: its main called proc_exit(2) before it answered; its last word on stderr: panic: from a "
                            + "goroutine",
                    failure(session, "goroutine-panic"));
            assertTrue(host.logLines().contains("WARN panic: from a goroutine"), String.valueOf(host.logLines()));
            assertEquals("after", answer(session, "after"));
        }
    }

    @Test
    void aPanicInTheHandlerFailsOnlyItsMessage() {
        try (WasmSession session = new WasmSession(loader(), new TestHost())) {
            GuestErrorException error = assertThrows(GuestErrorException.class, () -> session.process(bytes("panic")));
            assertEquals(MAIN + " answered status 1: panic: in the handler", error.getMessage());
            assertEquals("after", answer(session, "after"));
        }
    }

    @Test
    void anAllocationLoopStopsAtTheMemoryLimitAndSaysSo() {
        TestHost host = new TestHost();
        try (WasmSession session = new WasmSession(loader(), host)) {
            assertEquals(
                    MAIN
                            + " ended: its main called proc_exit(2) before it answered; its last word on stderr: fatal error: "
                            + "out of memory (guest memory is at its limit of "
                            + "1024 pages (64 MiB), user config wasm.max-memory-pages; a refused memory.grow is the "
                            + "likely cause)",
                    failure(session, "hog"));
            assertTrue(
                    host.logLines().stream()
                            .anyMatch(line -> line.startsWith("WARN runtime: out of memory: cannot allocate ")),
                    String.valueOf(host.logLines()));
            assertEquals("after", answer(session, "after"));
        }
    }

    @Test
    void aMainThatNeverAsksForAMessageFailsTheStart() {
        try (WasmLoader neverAsks = load(List.of("never-ask")).withExecution(ExecutionMode.COMPILER)) {
            assertEquals(
                    MAIN + " until it asked for its first message timed out after 5000 ms (user config "
                            + "wasm.timeout-ms)",
                    assertThrows(WasmLoadException.class, () -> neverAsks.newInstance(new TestHost()))
                            .getMessage());
        }
    }

    @Test
    void aMainThatExitsAtOnceFailsTheStart() {
        try (WasmLoader exits = load(List.of("exit-at-start")).withExecution(ExecutionMode.COMPILER)) {
            assertEquals(
                    MAIN + " until it asked for its first message ended: its main called proc_exit(0) before it asked "
                            + "for its first message",
                    assertThrows(WasmLoadException.class, () -> exits.newInstance(new TestHost()))
                            .getMessage());
        }
    }
}
