package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.KeyValueSchema;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * A record's schema as the guest reads it ({@code pulsar.get_schema}):
 * {@code {"type", "name", "version", "definition", "properties"}}, and for a KeyValue also
 * {@code "encoding"}, {@code "key"} and {@code "value"} (each described the same way, without a
 * version). The definition is JSON where the schema type's definition is JSON (AVRO, JSON,
 * PROTOBUF, PROTOBUF_NATIVE), else text, or null when empty.
 */
public final class SchemaJson {

    private SchemaJson() {}

    /**
     * Describes a schema.
     *
     * @param schema the record's schema
     * @param version the message's schema version (8 bytes, big-endian), or null if it has none
     * @return the description, as JSON text
     */
    public static String describe(Schema<?> schema, byte[] version) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = RecordCodec.JSON.createGenerator(text)) {
            out.writeStartObject();
            write(schema, out);
            out.writeFieldName("version");
            if (version != null && version.length == Long.BYTES) {
                out.writeNumber(ByteBuffer.wrap(version).getLong());
            } else {
                out.writeNull();
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(Schema<?> schema, JsonGenerator out) throws IOException {
        SchemaInfo info = schema.getSchemaInfo();
        out.writeStringField("type", info.getType().name());
        out.writeStringField("name", info.getName());
        if (schema instanceof KeyValueSchema<?, ?> kv) {
            out.writeStringField("encoding", kv.getKeyValueEncodingType().name());
            for (Map.Entry<String, Schema<?>> part :
                    Map.<String, Schema<?>>of("key", kv.getKeySchema(), "value", kv.getValueSchema())
                            .entrySet()
                            .stream()
                            .sorted(Map.Entry.comparingByKey())
                            .toList()) {
                out.writeFieldName(part.getKey());
                out.writeStartObject();
                write(part.getValue(), out);
                out.writeEndObject();
            }
        } else {
            out.writeFieldName("definition");
            writeDefinition(info, out);
        }
        out.writeObjectFieldStart("properties");
        for (Map.Entry<String, String> property : info.getProperties().entrySet()) {
            out.writeStringField(property.getKey(), property.getValue());
        }
        out.writeEndObject();
    }

    private static void writeDefinition(SchemaInfo info, JsonGenerator out) throws IOException {
        byte[] definition = info.getSchema();
        if (definition == null || definition.length == 0) {
            out.writeNull();
            return;
        }
        switch (info.getType()) {
            case AVRO, JSON, PROTOBUF, PROTOBUF_NATIVE -> {
                JsonNode json = RecordCodec.parse(definition, "the schema definition");
                out.writeTree(json);
            }
            default -> out.writeString(new String(definition, StandardCharsets.UTF_8));
        }
    }
}
