package io.pulsarwasm.function;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.SchemaJson;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;

/**
 * The host over a Pulsar function instance's {@link Context}: the only class that turns guest
 * requests into Pulsar calls. Writes use Pulsar's asynchronous calls ({@code sendAsync},
 * {@code putStateAsync}, {@code incrCounterAsync}, ...), so a guest that publishes does not wait
 * for each message's batch to be sent.
 */
final class PulsarHost implements Host, SchemaPublisher {

    private final Context context;

    /**
     * Creates the host of one function instance.
     *
     * @param context the instance's context
     */
    public PulsarHost(Context context) {
        this.context = context;
    }

    @Override
    public void log(LogLevel level, String line) {
        level.log(context.getLogger(), line);
    }

    @Override
    public Optional<String> config(String key) {
        return context.getUserConfigValue(key).map(WasmConfig::configText);
    }

    @Override
    public Optional<String> secret(String name) {
        return Optional.ofNullable(context.getSecret(name));
    }

    @Override
    public Optional<String> key() {
        return record().flatMap(Record::getKey);
    }

    @Override
    public Optional<String> topic() {
        return record().flatMap(Record::getTopicName);
    }

    @Override
    public Map<String, String> properties() {
        return record().map(Record::getProperties).orElse(Map.of());
    }

    @Override
    public OptionalLong eventTime() {
        return record().flatMap(Record::getEventTime).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    @Override
    public Optional<byte[]> messageId() {
        return record().flatMap(Record::getMessage).map(Message::getMessageId).map(id -> id.toByteArray());
    }

    @Override
    public Optional<String> schema() {
        return record().filter(record -> record.getSchema() != null).map(record -> {
            byte[] version = record.getMessage().map(Message::getSchemaVersion).orElse(null);
            return SchemaJson.describe(RecordInput.schemaOf(record.getSchema(), version), version);
        });
    }

    @Override
    public String tenant() {
        return context.getTenant();
    }

    @Override
    public String namespace() {
        return context.getNamespace();
    }

    @Override
    public String functionName() {
        return context.getFunctionName();
    }

    @Override
    public int instanceId() {
        return context.getInstanceId();
    }

    @Override
    public int numInstances() {
        return context.getNumInstances();
    }

    @Override
    public int redeliveryCount() {
        return record().flatMap(Record::getMessage)
                .map(Message::getRedeliveryCount)
                .orElse(0);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> stateGet(String key) {
        return state(() -> context.getStateAsync(key))
                .thenApply(value -> Optional.ofNullable(value).map(PulsarHost::toArray));
    }

    @Override
    public CompletableFuture<Void> statePut(String key, byte[] value) {
        return state(() -> context.putStateAsync(key, ByteBuffer.wrap(value)));
    }

    @Override
    public CompletableFuture<Void> stateDelete(String key) {
        return state(() -> context.deleteStateAsync(key));
    }

    @Override
    public CompletableFuture<Void> counterIncr(String key, long amount) {
        return state(() -> context.incrCounterAsync(key, amount));
    }

    @Override
    public CompletableFuture<Long> counterGet(String key) {
        return state(() -> context.getCounterAsync(key));
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        return send(topic, Schema.BYTES, value, key, properties);
    }

    /** Sends a value encoded in a topic's configured schema (a record function's publish). */
    @Override
    public CompletableFuture<?> publish(String topic, Encoded encoded, String key, Map<String, String> properties) {
        return send(topic, encoded.schema(), encoded.value(), key, properties);
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<?> send(
            String topic, Schema<?> schema, Object value, String key, Map<String, String> properties) {
        TypedMessageBuilder<Object> message;
        try {
            message = context.newOutputMessage(topic, (Schema<Object>) schema).value(value);
            if (key != null) {
                message.key(key);
            }
            if (!properties.isEmpty()) {
                message.properties(properties);
            }
        } catch (PulsarClientException | RuntimeException e) {
            // RuntimeException: Pulsar's refusals (a key given to a SEPARATED KeyValue topic)
            return CompletableFuture.failedFuture(e);
        }
        return message.sendAsync();
    }

    @Override
    public void recordMetric(String name, double value) {
        context.recordMetric(name, value);
    }

    /**
     * Runs a state call; Pulsar's refusal when the cluster has no state storage ("State t/ns/f is
     * not enabled.") is replaced by one that says how to enable it.
     */
    private static <T> CompletableFuture<T> state(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().endsWith(" is not enabled.")) {
                throw e;
            }
            throw new IllegalStateException(
                    "function state is not enabled on this cluster: the functions worker "
                            + "needs state storage (stateStorageServiceUrl in functions_worker.yml; a standalone has it only "
                            + "when started as PULSAR_STANDALONE_USE_ZOOKEEPER=1 bin/pulsar standalone, without -nss; "
                            + "see docs/deploying.md, \"State on a local standalone\"). Pulsar said: " + e.getMessage(),
                    e);
        }
    }

    private Optional<Record<?>> record() {
        return Optional.ofNullable(context.getCurrentRecord());
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
