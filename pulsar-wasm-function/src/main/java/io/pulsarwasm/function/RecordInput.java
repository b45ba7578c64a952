package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.PreEncodedSchema;
import io.pulsarwasm.function.internal.record.RecordCodec;
import io.pulsarwasm.function.internal.record.RecordEncodingException;
import io.pulsarwasm.function.internal.record.SchemaJson;
import io.pulsarwasm.schema.UndecodedAutoConsume;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.KeyValueSchema;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.apache.pulsar.functions.api.Record;

/**
 * A record as {@link WasmRecordFunction} reads it: its schema (this message's version) and its
 * value as Pulsar stores it. The function makes one from the record Pulsar is processing; a test
 * may pass one in directly.
 *
 * @param schema the record's schema
 * @param data the message's data (the value; a KeyValue INLINE record's key and value), or null for a
 *     message without a value (a tombstone: a KeyValue SEPARATED record's guest reads {@code "value": null})
 * @param keyBytes the message key's bytes (a KeyValue SEPARATED record's key), or null
 * @param schemaVersion the schema version the message carries (8 bytes, big-endian), or null
 */
public record RecordInput(Schema<?> schema, byte[] data, byte[] keyBytes, byte[] schemaVersion)
        implements GenericObject {

    /**
     * Creates the input; {@code schema} must not be null.
     */
    public RecordInput {
        Objects.requireNonNull(schema, "schema");
    }

    /**
     * The schema as the guest reads it ({@code pulsar.get_schema}, {@code ctx.schema()} in
     * JavaScript): its type, name and definition, and the version the message carries, as JSON.
     *
     * @return the JSON text
     */
    public String schemaJson() {
        return SchemaJson.describe(schema, schemaVersion);
    }

    /**
     * The input of the record Pulsar is processing.
     *
     * @param record the function's current record
     * @return its schema and stored value
     * @throws IllegalStateException if the record did not come from a Pulsar topic
     */
    public static RecordInput of(Record<?> record) {
        Message<?> message = record.getMessage()
                .orElseThrow(() -> new IllegalStateException(
                        "a record function reads records from Pulsar topics; this record has no message"));
        byte[] version = message.getSchemaVersion();
        return new RecordInput(
                schemaOf(record.getSchema(), version),
                message.getData(),
                message.hasKey() ? message.getKeyBytes() : null,
                version);
    }

    /**
     * A record's schema at the version its message carries: Pulsar's record schema, unless the
     * input schema is {@link UndecodedAutoConsume}, which leaves that to the function.
     *
     * @param schema the schema of the record Pulsar made
     * @param version the version its message carries, or null
     * @return the schema the message's value is encoded in
     */
    static Schema<?> schemaOf(Schema<?> schema, byte[] version) {
        return schema instanceof UndecodedAutoConsume undecoded ? undecoded.schemaAt(version) : schema;
    }

    /**
     * A record of a value as a producer with this schema would send it: for tests.
     *
     * @param schema the producer's schema, e.g. {@code Schema.AVRO(User.class)} or a {@code Schema.KeyValue(...)}
     * @param value the value ({@code KeyValue} for a KeyValue schema)
     * @param <T> the value's type
     * @return the record
     */
    public static <T> RecordInput of(Schema<T> schema, T value) {
        if (schema instanceof KeyValueSchema<?, ?> kv
                && kv.getKeyValueEncodingType() == KeyValueEncodingType.SEPARATED) {
            @SuppressWarnings("unchecked")
            Schema<Object> keySchema = (Schema<Object>) kv.getKeySchema();
            @SuppressWarnings("unchecked")
            Schema<Object> valueSchema = (Schema<Object>) kv.getValueSchema();
            KeyValue<?, ?> parts = (KeyValue<?, ?>) value;
            return new RecordInput(
                    schema,
                    parts.getValue() == null ? null : valueSchema.encode(parts.getValue()),
                    parts.getKey() == null ? null : keySchema.encode(parts.getKey()),
                    null);
        }
        return new RecordInput(schema, schema.encode(value), null, null);
    }

    /**
     * A record of a value given as JSON (in the mapping a guest reads), encoded in a schema: for
     * tests with a schema definition and no classes.
     *
     * @param schema the schema, e.g. {@code Schema.generic(info)} or a {@link SchemaInfo}'s schema
     * @param json the value as JSON text
     * @return the record
     * @throws IllegalArgumentException if the JSON does not fit the schema
     */
    public static RecordInput ofJson(Schema<?> schema, String json) {
        Encoded encoded;
        try {
            encoded = RecordCodec.of(schema).encode(json.getBytes(StandardCharsets.UTF_8), false);
        } catch (RecordEncodingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (encoded.value() instanceof KeyValue<?, ?> parts) {
            byte[] key = (byte[]) parts.getKey();
            byte[] value = (byte[]) parts.getValue();
            return ((KeyValueSchema<?, ?>) schema).getKeyValueEncodingType() == KeyValueEncodingType.SEPARATED
                    ? new RecordInput(schema, value, key, null)
                    : new RecordInput(
                            schema,
                            Schema.KeyValue(Schema.BYTES, Schema.BYTES).encode(new KeyValue<>(key, value)),
                            null,
                            null);
        }
        return new RecordInput(schema, (byte[]) encoded.value(), null, null);
    }

    /**
     * A schema from its definition, for {@link #ofJson}: an AVRO or JSON schema's Avro record
     * definition.
     *
     * @param type AVRO or JSON
     * @param definition the Avro record schema, as JSON text
     * @return the schema (its values already encoded bytes)
     */
    public static Schema<byte[]> schema(SchemaType type, String definition) {
        return new PreEncodedSchema(SchemaInfo.builder()
                .name("")
                .type(type)
                .schema(definition.getBytes(StandardCharsets.UTF_8))
                .build());
    }

    @Override
    public SchemaType getSchemaType() {
        return schema.getSchemaInfo().getType();
    }

    @Override
    public Object getNativeObject() {
        return data;
    }
}
