package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.Invocation;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoader;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.testing.InMemoryHost;
import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recoverable host calls end to end: counter.c (the C SDK's pw_try_*) and its AssemblyScript
 * twin tally.ts (ctx.tryCounterIncr, ...) keep working on a cluster without state storage, catch up
 * when it works again, and skip an audit copy Pulsar refuses, answering alike.
 */
class RecoverableSamplesTest {

    private static final String NOT_ENABLED = "State public/default/test-function is not enabled.";
    private static final String AUDIT = "persistent://public/default/audit";

    @ParameterizedTest
    @ValueSource(strings = {"counter.wasm", "tally.wasm"})
    void countsInMemoryWhileStateStorageIsNotThereAndCatchesUpWhenItIs(String module) {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:" + module)) {
            tester.host().failState(new IllegalStateException(NOT_ENABLED));
            assertEquals("count=1 (in memory) previous=-", text(tester.process(bytes("a"))));
            assertEquals("count=2 (in memory) previous=a", text(tester.process(bytes("b"))));
            assertEquals(Map.of(), tester.host().counters());
            assertTrue(tester.host().state().isEmpty());

            // The store missed "b" (its put failed): the sample answers it from memory, and this
            // message's put brings the store up to date.
            tester.host().failState(null);
            assertEquals("count=3 (stored) previous=b", text(tester.process(bytes("c"))));
            assertEquals("count=4 (stored) previous=c", text(tester.process(bytes("d"))));
            assertEquals("count=5 (stored) previous=d", text(tester.process(new byte[0])));
            assertEquals("count=6 (stored) previous=-", text(tester.process(bytes("e"))));
            assertEquals(Map.of("messages", 6L), tester.host().counters());
            assertEquals("e", new String(tester.host().state().get("last"), StandardCharsets.UTF_8));

            tester.host().failState(new IllegalStateException("the store went away"));
            assertEquals("count=7 (in memory) previous=e", text(tester.process(bytes("f"))));

            List<String> logs = tester.host().logLines();
            assertEquals(
                    List.of(
                            "WARN state failed, working from memory: pulsar.counter_incr: java.lang.IllegalStateException: "
                                    + NOT_ENABLED,
                            "INFO state works again; stored 2 messages counted in memory",
                            "WARN state failed, working from memory: pulsar.counter_incr: java.lang.IllegalStateException: "
                                    + "the store went away"),
                    logs.subList(1, logs.size()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter.wasm", "tally.wasm"})
    void skipsAnAuditCopyPulsarRefuses(String module) {
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.bytes("classpath:" + module).config("audit-topic", AUDIT)) {
            tester.host().failPublishes(new IllegalStateException("broker says no"));
            assertEquals(
                    "count=1 (stored) previous=- audit=refused",
                    text(tester.process(TestRecord.of(bytes("a")).withKey("k1"))));
            assertEquals(List.of(), tester.host().published());
            List<String> logs = tester.host().logLines();
            assertEquals(
                    "WARN audit copy refused: pulsar.publish to '" + AUDIT
                            + "': java.lang.IllegalStateException: broker says no",
                    logs.get(logs.size() - 1));

            tester.host().failPublishes(null);
            assertEquals(
                    "count=2 (stored) previous=a",
                    text(tester.process(TestRecord.of(bytes("b")).withKey("k2"))));
            List<PublishedMessage> published = tester.host().published();
            assertEquals(1, published.size());
            assertEquals(
                    List.of(AUDIT, "k2", "b"),
                    List.of(
                            published.get(0).topic(),
                            published.get(0).key(),
                            published.get(0).text()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter.wasm", "tally.wasm"})
    void countsOnInMemoryWhenOnlyReadingTheCounterBackFails(String module) {
        InMemoryHost store = new InMemoryHost();
        boolean[] failCounterGet = {false};
        // InMemoryHost fails all of state at once; this host fails counter_get alone.
        Host host = (Host) Proxy.newProxyInstance(
                Host.class.getClassLoader(), new Class<?>[] {Host.class}, (proxy, method, args) -> {
                    if (failCounterGet[0] && method.getName().equals("counterGet")) {
                        throw new IllegalStateException("the counter cannot be read");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (WasmLoader loader = WasmLoader.fromResource(RecoverableSamplesTest.class.getClassLoader(), module);
                WasmInstance guest = loader.newInstance(host)) {
            assertEquals("count=1 (stored) previous=-", answer(guest, "a"));
            failCounterGet[0] = true;
            assertEquals("count=2 (in memory) previous=a", answer(guest, "b"));
            assertEquals(Map.of("messages", 2L), store.counters());
            assertEquals(
                    "WARN state failed, working from memory: pulsar.counter_get: java.lang.IllegalStateException: "
                            + "the counter cannot be read",
                    store.logLines().get(store.logLines().size() - 1));
            failCounterGet[0] = false;
            assertEquals("count=3 (stored) previous=b", answer(guest, "c"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter.wasm", "tally.wasm"})
    void anInputLongerThanTheSampleTakesFailsTheMessage(String module) {
        try (WasmFunctionTester<byte[], byte[]> tester = WasmFunctionTester.bytes("classpath:" + module)) {
            assertEquals(
                    "wasm module '" + module + "': export 'process' returned status 1: input longer than 256 bytes",
                    assertThrows(GuestErrorException.class, () -> tester.process(new byte[257]))
                            .getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter.wasm", "tally.wasm"})
    void aHostLimitPassedUnderATryCallStillFailsTheMessage(String module) {
        // The audit copy goes through try_publish, but a topic over wasm.max-key-bytes (1024) is the
        // guest's mistake, not the host's failure: it fails the message rather than being skipped.
        String topic = "persistent://public/default/" + "a".repeat(1000);
        try (WasmFunctionTester<byte[], byte[]> tester =
                WasmFunctionTester.bytes("classpath:" + module).config("audit-topic", topic)) {
            assertEquals(
                    "wasm module '" + module + "': export 'process' failed in host call pulsar.publish: a topic of "
                            + "1028 bytes is more than the limit of 1024 bytes (user config wasm.max-key-bytes)",
                    assertThrows(WasmExecutionException.class, () -> tester.process(bytes("a")))
                            .getMessage());
            assertEquals(List.of(), tester.host().published());
        }
    }

    private static String answer(WasmInstance guest, String input) {
        Invocation invocation = guest.process(bytes(input));
        invocation.stored().join();
        return text(invocation.output());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
