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
    private final Schema<T> schema;
    private final Record<?> source;
    private final Map<String, String> properties;

    TracedOutput(T value, Schema<T> schema, Record<?> source, Map<String, String> properties) {
        this.value = value;
        this.schema = schema;
        this.source = source;
        this.properties = properties;
    }

    @Override
    public T getValue() {
        return value;
    }

    @Override
    public Schema<T> getSchema() {
        return schema;
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
