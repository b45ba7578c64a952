package io.pulsarwasm.schema;

import io.pulsarwasm.function.internal.record.PreEncodedSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.reflect.ReflectData;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SchemaSerializationException;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.SchemaDefinition;
import org.apache.pulsar.client.api.schema.SchemaInfoProvider;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * The input schema of a {@code WasmRecordFunction} that leaves each message's value as Pulsar
 * stores it: Pulsar's {@code AUTO_CONSUME} without the decode.
 *
 * <p>Pulsar 4.0.8 decodes every input of a {@code GenericObject} function before calling it. A
 * record function never uses that value: it maps the message's own encoding to the guest's JSON,
 * or hands it over raw. With this class as the input's schema, the value Pulsar decodes is one
 * constant and the function finds each message's schema itself, by its version, through {@link
 * #schemaAt(byte[])}. What the guest reads is unchanged. {@code pulsar-wasm deploy
 * --undecoded-inputs} names it; with {@code pulsar-admin}:
 *
 * <pre>
 * --input-specs '{"in-topic":{"schemaType":"io.pulsarwasm.schema.UndecodedAutoConsume"}}'
 * </pre>
 *
 * <p>What differs from {@code AUTO_CONSUME} is in what Pulsar does around the function ({@code
 * docs/records.md}, "Inputs left undecoded", has the whole list); chiefly:
 *
 * <ul>
 *   <li>A message without a value (a tombstone on a KeyValue topic) is a null input, which Pulsar's
 *       instance refuses: it stops, and meets the message again when restarted.
 *   <li>This schema has no schema info of its own, so the function's consumer subscribes as a
 *       bytes consumer does, and a message Pulsar dead-letters reaches the dead-letter topic
 *       without its schema version.
 * </ul>
 */
public final class UndecodedAutoConsume implements Schema<GenericObject> {

    /** How long one schema version's lookup may take before the message fails. */
    static final long LOOKUP_SECONDS = 60;

    private static final GenericObject UNDECODED = new GenericObject() {
        @Override
        public SchemaType getSchemaType() {
            return SchemaType.AUTO_CONSUME;
        }

        @Override
        public Object getNativeObject() {
            return null;
        }

        @Override
        public String toString() {
            return "a record left undecoded (io.pulsarwasm.schema.UndecodedAutoConsume)";
        }
    };

    /**
     * The schema of each version seen, by version: only versions the topic has a schema for, so at
     * most as many as were registered on it.
     */
    private final Map<ByteBuffer, Schema<?>> versions = new ConcurrentHashMap<>();

    private volatile SchemaInfoProvider provider;

    /** Creates the schema; Pulsar calls this reflectively. */
    public UndecodedAutoConsume() {}

    /**
     * Nothing is encoded with this schema: it only reads.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public byte[] encode(GenericObject message) {
        throw new UnsupportedOperationException("UndecodedAutoConsume is an input schema: it does not encode");
    }

    /**
     * @return the same constant for every message: the function reads the message itself
     */
    @Override
    public GenericObject decode(byte[] bytes) {
        return UNDECODED;
    }

    /**
     * @return the same constant for every message: the function reads the message itself
     */
    @Override
    public GenericObject decode(byte[] bytes, byte[] schemaVersion) {
        return UNDECODED;
    }

    /**
     * @return the same constant for every message: the function reads the message itself
     */
    @Override
    public GenericObject decode(ByteBuffer data) {
        return UNDECODED;
    }

    /**
     * @return the same constant for every message: the function reads the message itself
     */
    @Override
    public GenericObject decode(ByteBuffer data, byte[] schemaVersion) {
        return UNDECODED;
    }

    /** @return true: Pulsar then hands this schema the topic's schema versions */
    @Override
    public boolean supportSchemaVersioning() {
        return true;
    }

    /**
     * Keeps the topic's schema versions, which Pulsar's client gives each consumer's schema.
     *
     * @param schemaInfoProvider the topic's versions
     */
    @Override
    public void setSchemaInfoProvider(SchemaInfoProvider schemaInfoProvider) {
        this.provider = schemaInfoProvider;
    }

    /**
     * None: a schema info here would be sent as the consumer's schema, and as the schema of
     * Pulsar's dead-letter producer, where {@code AUTO_CONSUME} would be wrong. Without one, the
     * consumer subscribes as a bytes consumer.
     *
     * @return null
     */
    @Override
    public SchemaInfo getSchemaInfo() {
        return null;
    }

    /**
     * The schema of the messages carrying a version: the topic's schema at that version (looked
     * up once), or {@code BYTES} for a message without one, as Pulsar's {@code AUTO_CONSUME} reads
     * them. Its schema info is the topic's.
     *
     * @param schemaVersion the version a message carries, or null
     * @return the schema
     * @throws SchemaSerializationException if the version cannot be looked up
     * @throws IllegalArgumentException if Pulsar's client has no schema for the version's type
     *     (PROTOBUF)
     */
    public Schema<?> schemaAt(byte[] schemaVersion) {
        if (schemaVersion == null || schemaVersion.length == 0) {
            return Schema.BYTES;
        }
        ByteBuffer key = ByteBuffer.wrap(schemaVersion);
        Schema<?> known = versions.get(key);
        if (known != null) {
            return known;
        }
        SchemaInfo info = lookUp(schemaVersion);
        if (info == null) {
            // a version the topic has no schema for: BYTES, not kept. A producer can put any bytes in a
            // message's version; only versions the topic registered may take room here
            return Schema.BYTES;
        }
        Schema<?> schema = of(info);
        Schema<?> raced = versions.putIfAbsent(ByteBuffer.wrap(schemaVersion.clone()), schema);
        return raced != null ? raced : schema;
    }

    private SchemaInfo lookUp(byte[] schemaVersion) {
        SchemaInfoProvider topic = provider;
        String which = "schema version " + version(schemaVersion);
        if (topic == null) {
            throw new SchemaSerializationException(
                    which + " cannot be looked up: the schema was not given the topic's versions");
        }
        which += " of topic " + topic.getTopicName();
        try {
            SchemaInfo info = topic.getSchemaByVersion(schemaVersion).get(LOOKUP_SECONDS, TimeUnit.SECONDS);
            return info; // null: the topic has no schema at that version
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaSerializationException(which + " cannot be looked up: interrupted");
        } catch (ExecutionException e) {
            throw new SchemaSerializationException(which + " cannot be looked up: " + e.getCause());
        } catch (TimeoutException e) {
            throw new SchemaSerializationException(
                    which + " cannot be looked up: no answer in " + LOOKUP_SECONDS + " seconds");
        }
    }

    /** As Pulsar's AUTO_CONSUME makes them; a record function only reads their schema info. */
    private static Schema<?> of(SchemaInfo info) {
        return switch (info.getType()) {
            case AVRO, JSON -> avro(info);
            case PROTOBUF_NATIVE -> new PreEncodedSchema(info);
            case BYTES, NONE -> Schema.BYTES;
            default -> Schema.getSchema(info);
        };
    }

    /**
     * An AVRO or JSON schema: the topic's own, or for a value that is not an Avro record, the one
     * Pulsar's {@code AUTO_CONSUME} makes of it (with a name and properties of its own).
     */
    private static Schema<?> avro(SchemaInfo info) {
        String definition = new String(info.getSchema(), StandardCharsets.UTF_8);
        org.apache.avro.Schema avro =
                new org.apache.avro.Schema.Parser().setValidateDefaults(false).parse(definition);
        if (avro.getType() == org.apache.avro.Schema.Type.RECORD) {
            return new PreEncodedSchema(info);
        }
        return info.getType() == SchemaType.JSON
                ? Schema.JSON(SchemaDefinition.builder()
                        .withPojo(ReflectData.get().getClass(avro))
                        .build())
                : Schema.AVRO(SchemaDefinition.builder().withJsonDef(definition).build());
    }

    /** @return a version as Pulsar numbers them (8 bytes, big-endian), else its bytes in hex */
    private static String version(byte[] schemaVersion) {
        if (schemaVersion.length == Long.BYTES) {
            return Long.toString(ByteBuffer.wrap(schemaVersion).getLong());
        }
        StringBuilder hex = new StringBuilder("0x");
        for (byte b : schemaVersion) {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }

    /** @return a schema for another consumer: the same topic's versions, none looked up yet */
    @Override
    public Schema<GenericObject> clone() {
        UndecodedAutoConsume copy = new UndecodedAutoConsume();
        copy.provider = provider;
        return copy;
    }
}
