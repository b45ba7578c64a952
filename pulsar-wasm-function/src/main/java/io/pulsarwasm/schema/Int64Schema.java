package io.pulsarwasm.schema;

import java.nio.ByteBuffer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * Pulsar's built-in {@code INT64} schema, as a class a function's configuration can name.
 *
 * <p>Pulsar 4.0.8's function runtime has no case for primitive schema types: a
 * {@code Function<Long, Long>} on topics with {@code Schema.INT64} fails with
 * {@code Unsupported schema typeINT64}. Naming this class as the input and output schema type
 * makes the runtime instantiate it reflectively, and it delegates everything to
 * {@link Schema#INT64}, so producers and consumers using {@code Schema.INT64} interoperate:
 *
 * <pre>
 * --custom-schema-inputs '{"in-topic":"{\"schemaType\":\"io.pulsarwasm.schema.Int64Schema\"}"}'
 * --schema-type io.pulsarwasm.schema.Int64Schema
 * </pre>
 */
public class Int64Schema implements Schema<Long> {

    /** Creates the schema; Pulsar calls this reflectively. */
    public Int64Schema() {}

    @Override
    public byte[] encode(Long message) {
        return Schema.INT64.encode(message);
    }

    @Override
    public Long decode(byte[] bytes) {
        return Schema.INT64.decode(bytes);
    }

    @Override
    public Long decode(byte[] bytes, byte[] schemaVersion) {
        return Schema.INT64.decode(bytes, schemaVersion);
    }

    @Override
    public Long decode(ByteBuffer data) {
        return Schema.INT64.decode(data);
    }

    @Override
    public Long decode(ByteBuffer data, byte[] schemaVersion) {
        return Schema.INT64.decode(data, schemaVersion);
    }

    @Override
    public void validate(byte[] message) {
        Schema.INT64.validate(message);
    }

    @Override
    public SchemaInfo getSchemaInfo() {
        return Schema.INT64.getSchemaInfo();
    }

    @Override
    public Schema<Long> clone() {
        return new Int64Schema();
    }
}
