package io.pulsarwasm.function.internal.record;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * One record function instance's schemas at work: its configuration and the codecs of the schemas
 * it has met (input versions, the output's, the publish topics'), built once each.
 */
public final class Records {

    /** Schema versions a function instance keeps codecs for; the least recently used go first. */
    private static final int CACHED_SCHEMAS = 64;

    private final RecordConfig config;
    private Schema<?> lastSchema;
    private RecordCodec lastCodec;
    private final Map<SchemaInfo, RecordCodec> codecs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SchemaInfo, RecordCodec> eldest) {
            return size() > CACHED_SCHEMAS;
        }
    };

    /**
     * @param config the function's record configuration
     */
    public Records(RecordConfig config) {
        this.config = config;
    }

    /** @return the configuration */
    public RecordConfig config() {
        return config;
    }

    /**
     * The guest's input for a record: its value as JSON, or its bytes (raw format, or no schema).
     *
     * @param schema the record's schema
     * @param data the message's data, or null for none (a tombstone)
     * @param keyBytes the message key's bytes, or null
     * @return what the guest's {@code process} receives (in raw format, nothing for a tombstone)
     */
    public byte[] guestInput(Schema<?> schema, byte[] data, byte[] keyBytes) {
        if (config.raw()) {
            return data == null ? new byte[0] : data;
        }
        return codec(schema).toJson(data, keyBytes);
    }

    /**
     * Encodes the guest's output for the output topic.
     *
     * @param output what the guest passed to {@code set_output}
     * @param inputSchema the schema of the record it processed
     * @return the value and its schema
     * @throws RecordEncodingException if the output does not fit the output schema
     */
    public Encoded output(byte[] output, Schema<?> inputSchema) {
        return encode(config.output(), output, inputSchema);
    }

    /**
     * Encodes a value the guest publishes, if its topic has a schema configured.
     *
     * @param topic the topic as the guest named it
     * @param value what the guest published
     * @param inputSchema the schema of the record being processed, or null outside one
     * @return the value and its schema, or empty if the topic has no schema configured (bytes as they are)
     * @throws RecordEncodingException if the value does not fit the topic's schema
     */
    public Optional<Encoded> publish(String topic, byte[] value, Schema<?> inputSchema) {
        SchemaSpec spec = config.publish().get(topic);
        if (spec == null) {
            return Optional.empty();
        }
        if (spec.input() && inputSchema == null) {
            throw new RecordEncodingException(
                    "publish to '" + topic + "': its schema is the input's, and there is no input record");
        }
        return Optional.of(encode(spec, value, inputSchema));
    }

    private Encoded encode(SchemaSpec spec, byte[] value, Schema<?> inputSchema) {
        RecordCodec codec = spec.input()
                ? codec(inputSchema)
                : codecs.computeIfAbsent(spec.info(), info -> RecordCodec.of(new PreEncodedSchema(info)));
        try {
            return codec.encode(value, config.raw());
        } catch (RecordEncodingException e) {
            SchemaInfo info = codec.info();
            throw new RecordEncodingException("the value does not fit schema " + info.getType()
                    + (info.getName().isEmpty() ? "" : " '" + info.getName() + "'")
                    + (spec.input() ? " (the input's)" : "") + ": " + e.getMessage());
        }
    }

    /**
     * @param schema a schema
     * @return its codec, built on first use
     */
    public RecordCodec codec(Schema<?> schema) {
        // Pulsar hands out one schema object per version: most messages end at this identity check
        if (schema == lastSchema) {
            return lastCodec;
        }
        SchemaInfo info = schema.getSchemaInfo();
        RecordCodec codec = codecs.get(info);
        if (codec == null) {
            codec = RecordCodec.of(schema);
            codecs.put(info, codec);
        }
        lastSchema = schema;
        lastCodec = codec;
        return codec;
    }
}
