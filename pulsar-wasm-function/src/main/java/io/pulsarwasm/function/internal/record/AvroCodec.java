package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Decoder;
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

    /** Straight from the encoding to JSON ({@link AvroJson#transcode}). */
    @Override
    public boolean writeStreamed(byte[] data, JsonGenerator out) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
        AvroJson.transcode(decoder, data.length, schema, out);
        if (!decoder.isEnd()) {
            throw new IOException(data.length + " bytes hold more than one value of " + schema.getFullName());
        }
        return true;
    }

    @Override
    public byte[] encode(JsonNode json, String path) {
        return write(AvroJson.read(json, schema, path));
    }

    /**
     * Reads the text as a stream ({@link AvroJson#stream}: no tree); if it is not one JSON value that
     * fits, reads it again as a tree, whose reader names what is wrong, as it always has.
     */
    @Override
    public byte[] encode(byte[] text, String path) {
        Object value;
        try (JsonParser parser = RecordCodec.JSON.createParser(text)) {
            parser.nextToken();
            value = AvroJson.stream(parser, schema);
            if (parser.nextToken() != null) {
                throw new IOException("more than one value");
            }
        } catch (IOException | RuntimeException notStreamed) {
            return encode(RecordCodec.parse(text, path), path);
        }
        return write(value);
    }

    private byte[] write(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Checks a guest's own encoding by walking it, without building the value: Avro's reader
     * allocates what a length or an item count declares before it reads, so four hostile bytes
     * would cost gigabytes. Here a length must fit the bytes, nesting is bounded, and the items of
     * all arrays and maps together are at most {@value #FREE_ITEMS} more than the value has bytes
     * (only items of no size, such as nulls, can come near that).
     */
    @Override
    public void check(byte[] data) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
        try {
            new Walk(decoder, data.length).value(schema, 0);
            if (!decoder.isEnd()) {
                throw new IOException(data.length + " bytes hold more than one value");
            }
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException("$: the bytes are not an Avro value of " + schema.getFullName() + ": "
                    + (e instanceof EOFException ? "they end too soon" : e.getMessage()));
        }
    }

    private static final int FREE_ITEMS = AvroJson.FREE_ITEMS;
    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);
    private static final int MAX_DEPTH = 1000;

    private static final class Walk {
        private final Decoder in;
        private final int size;
        private long items;

        Walk(Decoder in, int size) {
            this.in = in;
            this.size = size;
            this.items = size + (long) FREE_ITEMS;
        }

        void value(Schema schema, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new IOException("values nest deeper than " + MAX_DEPTH);
            }
            switch (schema.getType()) {
                case NULL -> in.readNull();
                case BOOLEAN -> in.readBoolean();
                case INT -> in.readInt();
                case LONG -> in.readLong();
                case FLOAT -> in.readFloat();
                case DOUBLE -> in.readDouble();
                case STRING, BYTES -> {
                    long length = in.readLong();
                    if (length < 0 || length > size) {
                        throw new IOException(
                                "a " + schema.getType().getName() + " of " + length + " bytes in a value of " + size);
                    }
                    in.skipFixed((int) length);
                }
                case FIXED -> in.skipFixed(schema.getFixedSize());
                case ENUM -> index(in.readEnum(), schema.getEnumSymbols().size(), "enum " + schema.getFullName());
                case UNION ->
                    value(
                            schema.getTypes()
                                    .get(index(in.readIndex(), schema.getTypes().size(), "union")),
                            depth + 1);
                case RECORD -> {
                    for (Schema.Field field : schema.getFields()) {
                        value(field.schema(), depth + 1);
                    }
                }
                case ARRAY -> {
                    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                        take(n);
                        for (long i = 0; i < n; i++) {
                            value(schema.getElementType(), depth + 1);
                        }
                    }
                }
                case MAP -> {
                    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                        take(n);
                        for (long i = 0; i < n; i++) {
                            value(MAP_KEY, depth + 1);
                            value(schema.getValueType(), depth + 1);
                        }
                    }
                }
            }
        }

        private static int index(int index, int count, String what) throws IOException {
            if (index < 0 || index >= count) {
                throw new IOException("index " + index + " of " + what + ", which has " + count);
            }
            return index;
        }

        private void take(long n) throws IOException {
            if (n < 0 || n > items) {
                throw new IOException("more array and map items than the bytes can hold");
            }
            items -= n;
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
