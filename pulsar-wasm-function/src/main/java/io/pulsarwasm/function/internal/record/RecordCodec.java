package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.KeyValueSchema;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * A schema's records as the guest sees them: encoded values to JSON text, and the guest's JSON (or,
 * in raw mode, its own encoding) checked and encoded for a producer. A {@code KeyValue} schema's
 * record is {@code {"key": ..., "value": ...}}; a BYTES schema (a topic without one) passes bytes
 * through untouched.
 */
public final class RecordCodec {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final JsonFactory JSON = MAPPER.getFactory();
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final SchemaInfo info;
    private final ValueCodec value;
    private final KeyValuePart keyValue;

    /**
     * The schema every output is sent with, one object for the codec's life: Pulsar's producer
     * takes a message whose schema is the very object it was created with as is, and works out the
     * version of any other (hashing its definition) message by message.
     */
    private final Schema<?> sent;

    private record KeyValuePart(
            ValueCodec key,
            ValueCodec value,
            SchemaInfo keyInfo,
            SchemaInfo valueInfo,
            KeyValueEncodingType encoding) {}

    private RecordCodec(SchemaInfo info, ValueCodec value, KeyValuePart keyValue) {
        this.info = info;
        this.value = value;
        this.keyValue = keyValue;
        this.sent = info.getType() == SchemaType.BYTES
                ? Schema.BYTES
                : keyValue == null
                        ? new PreEncodedSchema(info)
                        : Schema.KeyValue(
                                new PreEncodedSchema(keyValue.keyInfo()),
                                new PreEncodedSchema(keyValue.valueInfo()),
                                keyValue.encoding());
    }

    /**
     * Builds the codec of a schema.
     *
     * @param schema a record's schema (per version), or an output schema
     * @return its codec
     * @throws IllegalArgumentException if record functions do not support the schema's type
     */
    public static RecordCodec of(Schema<?> schema) {
        SchemaInfo info = schema.getSchemaInfo();
        if (schema instanceof KeyValueSchema<?, ?> kv) {
            SchemaInfo keyInfo = kv.getKeySchema().getSchemaInfo();
            SchemaInfo valueInfo = kv.getValueSchema().getSchemaInfo();
            return new RecordCodec(
                    info,
                    null,
                    new KeyValuePart(
                            value(keyInfo), value(valueInfo), keyInfo, valueInfo, kv.getKeyValueEncodingType()));
        }
        return new RecordCodec(info, info.getType() == SchemaType.BYTES ? null : value(info), null);
    }

    private static ValueCodec value(SchemaInfo info) {
        return switch (info.getType()) {
            case AVRO -> new AvroCodec(SchemaSpec.avro(info));
            case JSON -> new JsonCodec(SchemaSpec.avro(info));
            case PROTOBUF_NATIVE -> ProtobufCodec.fromDefinition(parse(info.getSchema(), "the schema definition"));
            default -> {
                PrimitiveCodec primitive = PrimitiveCodec.of(info.getType());
                if (primitive == null) {
                    throw new IllegalArgumentException("record functions do not support schema type " + info.getType()
                            + " (they read AVRO, JSON, PROTOBUF_NATIVE, KEY_VALUE of those, and primitive types)");
                }
                yield primitive;
            }
        };
    }

    /** @return the schema this codec is for */
    public SchemaInfo info() {
        return info;
    }

    /** @return true if values pass as bytes, untouched (a BYTES schema: a topic without a schema) */
    public boolean bytes() {
        return value == null && keyValue == null;
    }

    /**
     * A record's value as JSON text.
     *
     * @param data the message's data, or null for a message without a value (a tombstone)
     * @param keyBytes the message key's bytes (a SEPARATED KeyValue's key), or null
     * @return UTF-8 JSON ({@code null} for a tombstone, {@code {"key": ..., "value": null}} for a
     *     KeyValue's), or the bytes themselves without a schema (none for a tombstone)
     */
    public byte[] toJson(byte[] data, byte[] keyBytes) {
        if (keyValue != null) {
            return toJson(split(data, keyBytes));
        }
        if (data == null) {
            return bytes() ? new byte[0] : NULL;
        }
        if (bytes()) {
            return data;
        }
        if (info.getType() == SchemaType.JSON) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 2 + 16);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            if (value.writeStreamed(data, json)) {
                json.flush();
                return out.toByteArray();
            }
        } catch (AvroJson.TooManyItems e) {
            throw new UncheckedIOException("cannot read a " + info.getType() + " record: " + e.getMessage(), e);
        } catch (IOException | RuntimeException notStreamed) {
            // read again below, decoded first: that way names what is wrong, as it always has
            out.reset();
        }
        try (JsonGenerator json = JSON.createGenerator(out)) {
            value.write(data, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a " + info.getType() + " record: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * A KeyValue record as JSON text, {@code {"key": ..., "value": ...}}.
     *
     * @param parts the encoded key and value, each null for none
     * @return UTF-8 JSON
     */
    public byte[] toJson(KeyValue<byte[], byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("key");
            if (parts.getKey() == null) {
                json.writeNull();
            } else {
                keyValue.key().write(parts.getKey(), json);
            }
            json.writeFieldName("value");
            if (parts.getValue() == null) {
                json.writeNull();
            } else {
                keyValue.value().write(parts.getValue(), json);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a KEY_VALUE record: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private KeyValue<byte[], byte[]> split(byte[] data, byte[] keyBytes) {
        if (keyValue.encoding() == KeyValueEncodingType.SEPARATED) {
            return new KeyValue<>(keyBytes, data);
        }
        if (data == null) {
            return new KeyValue<>(null, null);
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        KeyValue<byte[], byte[]> parts = new KeyValue<>(inlinePart(buffer, "key"), inlinePart(buffer, "value"));
        if (buffer.hasRemaining()) {
            throw new RecordEncodingException(
                    "$: " + buffer.remaining() + " bytes follow a KeyValue INLINE value's value");
        }
        return parts;
    }

    /** Pulsar's INLINE KeyValue: a 4-byte length (-1 for null) and the bytes, for the key, then the value. */
    private static byte[] inlinePart(ByteBuffer buffer, String part) {
        if (buffer.remaining() < 4) {
            throw new RecordEncodingException("$: a KeyValue INLINE value ends before its " + part + "'s length");
        }
        int length = buffer.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > buffer.remaining()) {
            throw new RecordEncodingException("$: a KeyValue INLINE value gives its " + part + " a length of " + length
                    + " bytes, and " + buffer.remaining() + " follow");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * Encodes what the guest wrote.
     *
     * @param output the guest's output: UTF-8 JSON, or (raw) bytes in the schema's encoding
     * @param raw true if the guest encoded the value itself
     * @return the value and the schema to send it with
     * @throws RecordEncodingException if the output does not fit the schema
     */
    public Encoded encode(byte[] output, boolean raw) {
        if (bytes()) {
            return new Encoded(output, sent);
        }
        if (keyValue == null) {
            if (raw) {
                value.check(output);
                return new Encoded(output, sent);
            }
            return new Encoded(value.encode(output, "$"), sent);
        }
        Schema<?> schema = sent;
        if (raw) {
            if (keyValue.encoding() == KeyValueEncodingType.SEPARATED) {
                throw new RecordEncodingException(
                        "$: a raw output cannot hold a SEPARATED KeyValue (its key travels as "
                                + "the message key); use wasm.record.format json");
            }
            KeyValue<byte[], byte[]> parts = split(output, null);
            if (parts.getKey() != null) {
                keyValue.key().check(parts.getKey());
            }
            if (parts.getValue() != null) {
                keyValue.value().check(parts.getValue());
            }
            return new Encoded(parts, schema);
        }
        JsonNode json = parse(output, "$");
        if (!json.isObject() || !json.has("value")) {
            throw new RecordEncodingException(
                    "$: expected an object {\"key\": ..., \"value\": ...} (a KeyValue record), got "
                            + abbreviate(json.toString()));
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("key") && !name.equals("value")) {
                throw new RecordEncodingException("$." + name + ": a KeyValue record has only \"key\" and \"value\"");
            }
        }
        JsonNode key = json.get("key");
        JsonNode value = json.get("value");
        byte[] keyBytes = key == null || key.isNull() ? null : keyValue.key().encode(key, "$.key");
        byte[] valueBytes = value.isNull() ? null : keyValue.value().encode(value, "$.value");
        return new Encoded(new KeyValue<>(keyBytes, valueBytes), schema);
    }

    static JsonNode parse(byte[] json, String what) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new RecordEncodingException(what + ": not JSON: no value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RecordEncodingException(what + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
