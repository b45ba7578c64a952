package io.pulsarwasm.function;

import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Record;

/**
 * The output of a bytes, String or Long function whose input carried a trace context: the value,
 * with the key, event time and sequence of the record it came from (as Pulsar's sink copies them)
 * and the properties of the function's span ({@link TracingHost}). Pulsar sends a {@link Record}
 * a function returns with that record's properties, where it sends a plain value with the input's.
 *
 * @param <T> the value's type
 */
final class TracedOutput<T> implements Record<T> {

    private final T value;
    private final Record<?> source;
    private final Map<String, String> properties;

    TracedOutput(T value, Record<?> source, Map<String, String> properties) {
        this.value = value;
        this.source = source;
        this.properties = properties;
    }

    @Override
    public T getValue() {
        return value;
    }

    /**
     * No schema of its own: Pulsar's sink then sends the value with its producer's schema, exactly
     * as a plain value. A schema here, even {@code Schema.BYTES} itself, would be used for each
     * message ({@code Producer.newMessage(schema)}), and one that is not the producer's own instance
     * (the sink's comes from the function's output type, e.g. {@code Int64Schema}) would be sent as a
     * schema of its own per message.
     *
     * @return null
     */
    @Override
    public Schema<T> getSchema() {
        return null;
    }

    @Override
    public Optional<String> getKey() {
        return source.getKey();
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Optional<Long> getEventTime() {
        return source.getEventTime();
    }

    @Override
    public Optional<String> getPartitionId() {
        return source.getPartitionId();
    }

    @Override
    public Optional<Integer> getPartitionIndex() {
        return source.getPartitionIndex();
    }

    @Override
    public Optional<Long> getRecordSequence() {
        return source.getRecordSequence();
    }
}
