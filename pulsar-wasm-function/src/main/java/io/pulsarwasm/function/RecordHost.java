package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.Records;
import io.pulsarwasm.host.Host;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Schema;

/**
 * The host a record function's guest sees: its host, except that a publish to a topic with a
 * configured schema ({@code wasm.record.publish-schemas}) is encoded in that schema first, and a
 * value that does not fit fails the publish, naming the field. A host that sends in a schema of its
 * own ({@link SchemaPublisher}, Pulsar's) gets the encoded value; any other gets the bytes, checked.
 */
final class RecordHost extends ForwardingHost {

    private final Records records;
    private final Supplier<Schema<?>> inputSchema;

    /**
     * @param host the host underneath
     * @param records the function's schemas
     * @param inputSchema the schema of the record being processed, or null outside one
     */
    public RecordHost(Host host, Records records, Supplier<Schema<?>> inputSchema) {
        super(host);
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
}
