package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.Records;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Schema;

/**
 * The host a record function's guest sees: its host, except that a publish to a topic with a
 * configured schema ({@code wasm.record.publish-schemas}) is encoded in that schema first, and a
 * value that does not fit fails the publish, naming the field. A host that sends in a schema of its
 * own ({@link SchemaPublisher}, Pulsar's) gets the encoded value; any other gets the bytes, checked.
 */
final class RecordHost implements Host {

    private final Host host;
    private final Records records;
    private final Supplier<Schema<?>> inputSchema;

    /**
     * @param host the host underneath
     * @param records the function's schemas
     * @param inputSchema the schema of the record being processed, or null outside one
     */
    public RecordHost(Host host, Records records, Supplier<Schema<?>> inputSchema) {
        this.host = host;
        this.records = records;
        this.inputSchema = inputSchema;
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        Optional<Encoded> encoded;
        try {
            encoded = records.publish(topic, value, inputSchema.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (encoded.isPresent() && host instanceof SchemaPublisher publisher) {
            return publisher.publish(topic, encoded.get(), key, properties);
        }
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
