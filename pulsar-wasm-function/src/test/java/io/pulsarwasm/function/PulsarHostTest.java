package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.junit.jupiter.api.Test;

class PulsarHostTest {

    /** What Pulsar 4.0.8's ContextImpl throws on every state call when the worker has no state storage. */
    private static final String NOT_ENABLED = "State public/default/shout is not enabled.";

    @Test
    void aStateCallOnAClusterWithoutStateStorageSaysHowToEnableIt() {
        IllegalStateException pulsar = new IllegalStateException(NOT_ENABLED);
        PulsarHost host = new PulsarHost(context(pulsar));
        String expected = "function state is not enabled on this cluster: the functions worker needs state storage "
                + "(stateStorageServiceUrl in functions_worker.yml; a standalone has it only when started as "
                + "PULSAR_STANDALONE_USE_ZOOKEEPER=1 bin/pulsar standalone, without -nss; see docs/deploying.md, "
                + "\"State on a local standalone\"). Pulsar said: State public/default/shout is not enabled.";
        for (Function<PulsarHost, ?> call : List.<Function<PulsarHost, ?>>of(
                h -> h.counterIncr("k", 1),
                h -> h.counterGet("k"),
                h -> h.stateGet("k"),
                h -> h.statePut("k", new byte[] {1}),
                h -> h.stateDelete("k"))) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> call.apply(host));
            assertEquals(expected, error.getMessage());
            assertSame(pulsar, error.getCause());
        }
    }

    @Test
    void otherStateFailuresPassThroughUnchanged() {
        IllegalStateException other = new IllegalStateException("something else");
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> new PulsarHost(context(other)).counterIncr("k", 1));
        assertSame(other, error);
    }

    @Test
    void theRedeliveryCountIsTheCurrentMessagesAndZeroWithoutOne() {
        Message<?> message = (Message<?>) Proxy.newProxyInstance(
                Message.class.getClassLoader(),
                new Class<?>[] {Message.class},
                (proxy, method, args) -> method.getName().equals("getRedeliveryCount") ? 4 : null);
        Record<?> record = (Record<?>) Proxy.newProxyInstance(
                Record.class.getClassLoader(),
                new Class<?>[] {Record.class},
                (proxy, method, args) -> method.getName().equals("getMessage") ? Optional.of(message) : null);
        Record<?>[] current = {record};
        Context context = (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getCurrentRecord") ? current[0] : null);
        assertEquals(4, new PulsarHost(context).redeliveryCount());
        current[0] = null;
        assertEquals(0, new PulsarHost(context).redeliveryCount());
    }

    /** A Context whose every method throws the given exception. */
    private static Context context(RuntimeException failure) {
        return (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    throw failure;
                });
    }
}
