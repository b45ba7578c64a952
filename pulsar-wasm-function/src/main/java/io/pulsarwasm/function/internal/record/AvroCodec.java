package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Avro binary values (Pulsar's AVRO schema type). */
final class AvroCodec implements ValueCodec {

    private final Schema schema;
    private final GenericDatumReader<Object> reader;
    private final GenericDatumWriter<Object> writer;

    AvroCodec(Schema schema) {
        this.schema = schema;
        this.reader = new GenericDatumReader<>(schema);
        this.writer = new GenericDatumWriter<>(schema);
    }

    @Override
    public void write(byte[] data, JsonGenerator out) throws IOException {
        AvroJson.write(decode(data), schema, out);
    }

    @Override
    public byte[] encode(JsonNode json, String path) {
        Object value = AvroJson.read(json, schema, path);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void check(byte[] data) {
        try {
            decode(data);
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException("$: the bytes are not an Avro value of " + schema.getFullName() + ": " + e);
        }
    }

    private Object decode(byte[] data) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
        Object value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new IOException(data.length + " bytes hold more than one value of " + schema.getFullName());
        }
        return value;
    }
}
