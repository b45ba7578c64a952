package io.pulsarwasm.function;

import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A host that passes every call to the host underneath: the base of the hosts that change one or
 * two things about it ({@link RecordHost}'s publish, {@link TracingHost}'s trace context), so that
 * none of them can miss a method.
 */
abstract class ForwardingHost implements Host {

    /** The host underneath. */
    protected final Host host;

    ForwardingHost(Host host) {
        this.host = host;
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        return host.publish(topic, value, key, properties);
    }

    @Override
    public void log(LogLevel level, String line) {
        host.log(level, line);
    }

    @Override
    public Optional<String> config(String key) {
        return host.config(key);
    }

    @Override
    public Optional<String> secret(String name) {
        return host.secret(name);
    }

    @Override
    public Optional<String> key() {
        return host.key();
    }

    @Override
    public Optional<String> topic() {
        return host.topic();
    }

    @Override
    public Map<String, String> properties() {
        return host.properties();
    }

    @Override
    public OptionalLong eventTime() {
        return host.eventTime();
    }

    @Override
    public Optional<byte[]> messageId() {
        return host.messageId();
    }

    @Override
    public Optional<String> schema() {
        return host.schema();
    }

    @Override
    public String tenant() {
        return host.tenant();
    }

    @Override
    public String namespace() {
        return host.namespace();
    }

    @Override
    public String functionName() {
        return host.functionName();
    }

    @Override
    public int instanceId() {
        return host.instanceId();
    }

    @Override
    public int numInstances() {
        return host.numInstances();
    }

    @Override
    public int redeliveryCount() {
        return host.redeliveryCount();
    }

    @Override
    public CompletableFuture<Optional<byte[]>> stateGet(String key) {
        return host.stateGet(key);
    }

    @Override
    public CompletableFuture<Void> statePut(String key, byte[] value) {
        return host.statePut(key, value);
    }

    @Override
    public CompletableFuture<Void> stateDelete(String key) {
        return host.stateDelete(key);
    }

    @Override
    public CompletableFuture<Void> counterIncr(String key, long amount) {
        return host.counterIncr(key, amount);
    }

    @Override
    public CompletableFuture<Long> counterGet(String key) {
        return host.counterGet(key);
    }

    @Override
    public void recordMetric(String name, double value) {
        host.recordMetric(name, value);
    }
}
