package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/**
 * Pulsar JSON-schema values: JSON text whose shape an Avro schema (the schema's definition)
 * describes. Reading passes the producer's JSON through as it is; writing checks the guest's JSON
 * against the definition with the Avro mapping and writes it in that mapping's form.
 */
final class JsonCodec implements ValueCodec {

    private final Schema schema;

    JsonCodec(Schema schema) {
        this.schema = schema;
    }

    @Override
    public void write(byte[] data, JsonGenerator out) throws IOException {
        out.writeRawValue(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public byte[] encode(JsonNode json, String path) {
        Object value = AvroJson.read(json, schema, path);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = RecordCodec.JSON.createGenerator(bytes)) {
            AvroJson.write(value, schema, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void check(byte[] data) {
        AvroJson.read(RecordCodec.parse(data, "$"), schema, "$");
    }
}
