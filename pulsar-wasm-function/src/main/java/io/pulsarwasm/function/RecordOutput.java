package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.KeyValueSchema;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.apache.pulsar.functions.api.Record;

/**
 * What {@link WasmRecordFunction} writes to its output topic: the guest's output encoded in the
 * output schema, with the schema it is sent with, and the key, properties, event time and sequence
 * of the record it came from (as Pulsar's {@code Context.newOutputRecordBuilder} copies them).
 *
 * <p>It is a Pulsar {@link Record}, which is how a function chooses its output's schema per
 * message, and a {@link GenericObject}, which is how the function's declared output type leaves the
 * output topic's schema to the records (Pulsar's {@code AUTO_CONSUME} for sinks).
 */
public final class RecordOutput implements Record<Object>, GenericObject {

    private final Object value;
    private final Schema<Object> schema;
    private final Optional<Record<?>> source;
    /** The properties it is sent with, when not its source's (the function's span, {@link TracingHost}). */
    private final Map<String, String> properties;

    @SuppressWarnings("unchecked")
    RecordOutput(Encoded encoded, Record<?> source) {
        this.value = encoded.value();
        this.schema = (Schema<Object>) encoded.schema();
        this.source = Optional.ofNullable(source);
        this.properties = null;
    }

    private RecordOutput(RecordOutput output, Map<String, String> properties) {
        this.value = output.value;
        this.schema = output.schema;
        this.source = output.source;
        this.properties = properties;
    }

    /** @return the same output, sent with these properties instead of its source's */
    RecordOutput withProperties(Map<String, String> properties) {
        return new RecordOutput(this, properties);
    }

    @Override
    public Object getValue() {
        return value;
    }

    @Override
    public Schema<Object> getSchema() {
        return schema;
    }

    @Override
    public Optional<String> getKey() {
        return source.flatMap(Record::getKey);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties != null
                ? properties
                : source.map(Record::getProperties).orElse(Map.of());
    }

    @Override
    public Optional<Long> getEventTime() {
        return source.flatMap(Record::getEventTime);
    }

    @Override
    public Optional<String> getPartitionId() {
        return source.flatMap(Record::getPartitionId);
    }

    @Override
    public Optional<Integer> getPartitionIndex() {
        return source.flatMap(Record::getPartitionIndex);
    }

    @Override
    public Optional<Long> getRecordSequence() {
        return source.flatMap(Record::getRecordSequence);
    }

    @Override
    public SchemaType getSchemaType() {
        return schema.getSchemaInfo().getType();
    }

    @Override
    public Object getNativeObject() {
        return value;
    }

    /** @return the schema the value is encoded in */
    public SchemaInfo schemaInfo() {
        return schema.getSchemaInfo();
    }

    /**
     * Decodes the value with a schema of the caller's, as a consumer of the output topic would.
     *
     * @param reader a schema of the output's type, e.g. {@code Schema.AVRO(User.class)} or a
     *     {@code Schema.KeyValue(...)}
     * @param <T> the value's type
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public <T> T value(Schema<T> reader) {
        if (reader instanceof KeyValueSchema<?, ?> kv && value instanceof KeyValue<?, ?> parts) {
            Object key = parts.getKey() == null ? null : kv.getKeySchema().decode((byte[]) parts.getKey());
            Object part = parts.getValue() == null ? null : kv.getValueSchema().decode((byte[]) parts.getValue());
            return (T) new KeyValue<>(key, part);
        }
        return reader.decode((byte[]) value);
    }

    /** @return the value as the guest would read it: JSON text (or, without a schema, the bytes as text) */
    @SuppressWarnings("unchecked")
    public String json() {
        if (value instanceof KeyValue<?, ?> parts) {
            return new String(RecordCodec.of(schema).toJson((KeyValue<byte[], byte[]>) parts), StandardCharsets.UTF_8);
        }
        return new String(RecordCodec.of(schema).toJson((byte[]) value, null), StandardCharsets.UTF_8);
    }
}
