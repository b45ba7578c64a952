package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * Pulsar's primitive schema types as JSON: STRING a string, BOOLEAN a boolean, INT8 to INT64 an
 * integer, FLOAT and DOUBLE a number (or "NaN", "Infinity", "-Infinity"), BYTES (inside a KeyValue) base64 text.
 */
final class PrimitiveCodec implements ValueCodec {

    private final SchemaType type;

    private PrimitiveCodec(SchemaType type) {
        this.type = type;
    }

    /**
     * @param type a schema type
     * @return its codec, or null if it is not one of the primitive types records support
     */
    static PrimitiveCodec of(SchemaType type) {
        return switch (type) {
            case STRING, BOOLEAN, INT8, INT16, INT32, INT64, FLOAT, DOUBLE, BYTES -> new PrimitiveCodec(type);
            default -> null;
        };
    }

    @Override
    public void write(byte[] data, JsonGenerator out) throws IOException {
        switch (type) {
            case STRING -> out.writeString(Schema.STRING.decode(data));
            case BOOLEAN -> out.writeBoolean(Schema.BOOL.decode(data));
            case INT8 -> out.writeNumber(Schema.INT8.decode(data));
            case INT16 -> out.writeNumber(Schema.INT16.decode(data));
            case INT32 -> out.writeNumber(Schema.INT32.decode(data));
            case INT64 -> out.writeNumber(Schema.INT64.decode(data));
            case FLOAT -> out.writeNumber(Schema.FLOAT.decode(data));
            case DOUBLE -> out.writeNumber(Schema.DOUBLE.decode(data));
            default -> out.writeString(Base64.getEncoder().encodeToString(data));
        }
    }

    @Override
    public byte[] encode(JsonNode json, String path) {
        String expected = switch (type) {
            case STRING -> json.isTextual() ? null : "a string";
            case BOOLEAN -> json.isBoolean() ? null : "a boolean";
            case INT8 -> fits(json, Byte.MIN_VALUE, Byte.MAX_VALUE) ? null : "an INT8 integer";
            case INT16 -> fits(json, Short.MIN_VALUE, Short.MAX_VALUE) ? null : "an INT16 integer";
            case INT32 -> fits(json, Integer.MIN_VALUE, Integer.MAX_VALUE) ? null : "an INT32 integer";
            case INT64 -> fits(json, Long.MIN_VALUE, Long.MAX_VALUE) ? null : "an INT64 integer";
            case FLOAT, DOUBLE -> null;
            default -> json.isTextual() ? null : "base64 text (bytes)";
        };
        if (expected != null) {
            throw AvroJson.mismatch(path, expected, json);
        }
        return switch (type) {
            case STRING -> Schema.STRING.encode(WellFormed.text(json.textValue()));
            case BOOLEAN -> Schema.BOOL.encode(json.booleanValue());
            case INT8 -> Schema.INT8.encode(AvroJson.exactLong(json).byteValue());
            case INT16 -> Schema.INT16.encode(AvroJson.exactLong(json).shortValue());
            case INT32 -> Schema.INT32.encode(AvroJson.exactLong(json).intValue());
            case INT64 -> Schema.INT64.encode(AvroJson.exactLong(json));
            case FLOAT -> Schema.FLOAT.encode((float) AvroJson.floating(json, path, "a FLOAT", true));
            case DOUBLE -> Schema.DOUBLE.encode(AvroJson.floating(json, path, "a DOUBLE", false));
            default -> base64(json, path);
        };
    }

    @Override
    public void check(byte[] data) {
        try {
            write(data, RecordCodec.JSON.createGenerator(java.io.OutputStream.nullOutputStream()));
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException("$: the bytes are not a " + type + " value: " + e.getMessage());
        }
    }

    private static boolean fits(JsonNode json, long min, long max) {
        Long value = AvroJson.exactLong(json);
        return value != null && value >= min && value <= max;
    }

    private static byte[] base64(JsonNode json, String path) {
        try {
            return Base64.getDecoder().decode(json.textValue());
        } catch (IllegalArgumentException e) {
            throw AvroJson.mismatch(path, "base64 text (bytes)", json);
        }
    }
}
