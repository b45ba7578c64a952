package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Field;
import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.RecordConfig;
import io.pulsarwasm.function.internal.record.Records;
import io.pulsarwasm.function.internal.record.SchemaJson;
import io.pulsarwasm.schema.UndecodedAutoConsume;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SchemaSerializationException;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.client.api.schema.GenericSchema;
import org.apache.pulsar.client.api.schema.SchemaInfoProvider;
import org.apache.pulsar.client.impl.schema.AutoConsumeSchema;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;

/**
 * {@link UndecodedAutoConsume} against what it replaces: for each kind of schema, the record
 * function's guest reads the same JSON and schema, and its output is encoded the same, whether
 * the record's schema came from Pulsar's {@code AUTO_CONSUME} (as Pulsar's function source
 * unwraps it per message) or from this schema's own lookup of the message's version.
 */
class UndecodedAutoConsumeTest {

    private static final String TOPIC = "persistent://public/default/users";
    private static final byte[] V0 = version(0);

    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"it\",\"fields\":["
            + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";
    private static final GenericSchema<GenericRecord> AVRO = Schema.generic(SchemaInfo.builder()
            .name("User")
            .type(SchemaType.AVRO)
            .schema(USER.getBytes(StandardCharsets.UTF_8))
            .build());

    /** A class for Pulsar's JSON schema. */
    public static final class User {
        public String name;
        public int age;

        public User() {}

        User(String name, int age) {
            this.name = name;
            this.age = age;
        }
    }

    /** One message: its schema as its producer had it, its data and key. */
    private record Sample(String label, SchemaInfo info, byte[] data, byte[] key) {
        Sample(String label, Schema<?> producer, byte[] data, byte[] key) {
            this(label, producer.getSchemaInfo(), data, key);
        }
    }

    private static List<Sample> samples() {
        GenericRecord ada =
                AVRO.newRecordBuilder().set("name", "ada").set("age", 36).build();
        Schema<KeyValue<String, GenericRecord>> inline = Schema.KeyValue(Schema.STRING, AVRO);
        Schema<KeyValue<String, GenericRecord>> separated =
                Schema.KeyValue(Schema.STRING, AVRO, KeyValueEncodingType.SEPARATED);
        Schema<Field> protobuf = Schema.PROTOBUF_NATIVE(Field.class);
        return List.of(
                new Sample("AVRO", AVRO, AVRO.encode(ada), null),
                new Sample(
                        "JSON", Schema.JSON(User.class), Schema.JSON(User.class).encode(new User("ada", 36)), null),
                new Sample(
                        "PROTOBUF_NATIVE",
                        protobuf,
                        protobuf.encode(
                                Field.newBuilder().setName("id").setNumber(1).build()),
                        null),
                new Sample("KEY_VALUE INLINE", inline, inline.encode(new KeyValue<>("k", ada)), null),
                new Sample("KEY_VALUE SEPARATED", separated, AVRO.encode(ada), Schema.STRING.encode("k")),
                new Sample("STRING", Schema.STRING, Schema.STRING.encode("héllo"), null),
                new Sample("INT64", Schema.INT64, Schema.INT64.encode(-7L), null),
                new Sample("BOOLEAN", Schema.BOOL, Schema.BOOL.encode(true), null),
                new Sample(
                        "AVRO, not a record",
                        SchemaInfo.builder()
                                .name("public/default/users")
                                .type(SchemaType.AVRO)
                                .schema("\"string\"".getBytes(StandardCharsets.UTF_8))
                                .build(),
                        new byte[] {4, 'h', 'i'},
                        null),
                new Sample(
                        "JSON, not a record",
                        SchemaInfo.builder()
                                .name("public/default/users")
                                .type(SchemaType.JSON)
                                .schema("\"string\"".getBytes(StandardCharsets.UTF_8))
                                .build(),
                        "\"hi\"".getBytes(StandardCharsets.UTF_8),
                        null));
    }

    @Test
    void theGuestReadsAndWritesWhatItDoesWithPulsarsAutoConsume() {
        Records records = new Records(RecordConfig.parse(Map.of()));
        for (Sample sample : samples()) {
            Provider provider = new Provider(sample.info());
            AutoConsumeSchema pulsar = (AutoConsumeSchema) Schema.AUTO_CONSUME();
            pulsar.setSchemaInfoProvider(provider);
            UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
            undecoded.setSchemaInfoProvider(provider);

            Schema<?> expected = pulsar.unwrapInternalSchema(V0);
            Schema<?> actual = RecordInput.schemaOf(undecoded, V0);
            assertEquals(
                    SchemaJson.describe(expected, V0),
                    SchemaJson.describe(actual, V0),
                    sample.label() + ": the schema");
            byte[] json = records.guestInput(expected, sample.data(), sample.key());
            assertEquals(
                    new String(json, StandardCharsets.UTF_8),
                    new String(records.guestInput(actual, sample.data(), sample.key()), StandardCharsets.UTF_8),
                    sample.label() + ": the guest's input");
            Encoded before = records.output(json, expected);
            Encoded after = records.output(json, actual);
            assertEquals(
                    before.schema().getSchemaInfo(),
                    after.schema().getSchemaInfo(),
                    sample.label() + ": the output's schema");
            assertEquals(bytes(before.value()), bytes(after.value()), sample.label() + ": the output");
        }
    }

    @Test
    void aMessageWithoutAVersionIsReadAsBytesAsAutoConsumeReadsIt() {
        Provider provider = new Provider(AVRO.getSchemaInfo());
        AutoConsumeSchema pulsar = (AutoConsumeSchema) Schema.AUTO_CONSUME();
        pulsar.setSchemaInfoProvider(provider);
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        undecoded.setSchemaInfoProvider(provider);
        assertEquals(
                SchemaType.BYTES,
                pulsar.unwrapInternalSchema(null).getSchemaInfo().getType());
        assertSame(Schema.BYTES, undecoded.schemaAt(null));
        assertSame(Schema.BYTES, undecoded.schemaAt(new byte[0]));
        assertEquals(0, provider.lookups.get(), "nothing looked up");
    }

    @Test
    void aVersionThatIsNotThereOnTheTopicIsReadAsBytes() {
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        undecoded.setSchemaInfoProvider(new Provider(null));
        assertSame(Schema.BYTES, undecoded.schemaAt(V0));
    }

    /**
     * A hostile producer puts a new made-up version in every message of a topic without a schema:
     * each is looked up and read as bytes, and none is kept, so the messages cannot grow the host's
     * heap: the count of lookups shows nothing was answered from a cache.
     */
    @Test
    void madeUpVersionsAreNotKept() {
        Provider provider = new Provider(null);
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        undecoded.setSchemaInfoProvider(provider);
        for (long v = 0; v < 200_000; v++) {
            assertSame(Schema.BYTES, undecoded.schemaAt(version(v)));
        }
        assertSame(Schema.BYTES, undecoded.schemaAt(version(7)));
        assertEquals(200_001, provider.lookups.get(), "every made-up version looked up again, none kept");
    }

    @Test
    void aSchemaTypePulsarCannotReadFailsTheLookupAsAutoConsumeFailsTheSubscribe() {
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        undecoded.setSchemaInfoProvider(new Provider(SchemaInfo.builder()
                .name("p")
                .type(SchemaType.PROTOBUF)
                .schema(new byte[0])
                .build()));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> undecoded.schemaAt(V0));
        assertEquals(
                "Retrieve schema instance from schema info for type 'PROTOBUF' is not supported yet",
                error.getMessage());
    }

    @Test
    void eachVersionIsLookedUpOnceAndACloneLooksUpItsOwn() {
        Provider provider = new Provider(AVRO.getSchemaInfo());
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        undecoded.setSchemaInfoProvider(provider);
        Schema<?> first = undecoded.schemaAt(V0);
        for (int i = 0; i < 100; i++) {
            assertSame(first, undecoded.schemaAt(version(0)));
        }
        assertEquals(1, provider.lookups.get());
        undecoded.schemaAt(version(1));
        assertEquals(2, provider.lookups.get());
        Schema<?> clone = undecoded.clone();
        assertEquals(
                AVRO.getSchemaInfo(),
                ((UndecodedAutoConsume) clone).schemaAt(V0).getSchemaInfo());
        assertEquals(3, provider.lookups.get());
    }

    @Test
    void everyValueDecodesToOneConstantAndTheSchemaHasNoInfoOfItsOwn() {
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        GenericObject value = undecoded.decode(new byte[] {1, 2, 3});
        assertSame(value, undecoded.decode(new byte[0], V0));
        assertSame(value, undecoded.decode(ByteBuffer.wrap(new byte[] {9})));
        assertSame(value, undecoded.decode(ByteBuffer.allocate(0), V0));
        assertEquals(SchemaType.AUTO_CONSUME, value.getSchemaType());
        assertNull(value.getNativeObject());
        assertNull(undecoded.getSchemaInfo());
        assertEquals(true, undecoded.supportSchemaVersioning());
        UnsupportedOperationException encode =
                assertThrows(UnsupportedOperationException.class, () -> undecoded.encode(value));
        assertEquals("UndecodedAutoConsume is an input schema: it does not encode", encode.getMessage());
    }

    @Test
    void aFailedLookupNamesTheVersionAndTheTopic() {
        UndecodedAutoConsume undecoded = new UndecodedAutoConsume();
        SchemaSerializationException unset =
                assertThrows(SchemaSerializationException.class, () -> undecoded.schemaAt(version(3)));
        assertEquals(
                "schema version 3 cannot be looked up: the schema was not given the topic's versions",
                unset.getMessage());

        undecoded.setSchemaInfoProvider(new Provider(null) {
            @Override
            public CompletableFuture<SchemaInfo> getSchemaByVersion(byte[] schemaVersion) {
                return CompletableFuture.failedFuture(new IllegalStateException("the broker is gone"));
            }
        });
        SchemaSerializationException failed =
                assertThrows(SchemaSerializationException.class, () -> undecoded.schemaAt(version(3)));
        assertEquals(
                "schema version 3 of topic " + TOPIC
                        + " cannot be looked up: java.lang.IllegalStateException: the broker is gone",
                failed.getMessage());
        SchemaSerializationException odd = assertThrows(
                SchemaSerializationException.class, () -> undecoded.schemaAt(new byte[] {0x0a, (byte) 0xf1}));
        assertEquals(
                "schema version 0x0af1 of topic " + TOPIC
                        + " cannot be looked up: java.lang.IllegalStateException: the broker is gone",
                odd.getMessage());
    }

    private static byte[] version(long number) {
        return ByteBuffer.allocate(Long.BYTES).putLong(number).array();
    }

    /** A value an output encodes to, comparable: bytes, or a KeyValue of bytes. */
    private static Object bytes(Object value) {
        if (value instanceof byte[] array) {
            return new String(array, StandardCharsets.ISO_8859_1);
        }
        if (value instanceof KeyValue<?, ?> pair) {
            return List.of(String.valueOf(bytes(pair.getKey())), String.valueOf(bytes(pair.getValue())));
        }
        return value;
    }

    /** A topic whose every version is the same schema (or none), counting the lookups. */
    private static class Provider implements SchemaInfoProvider {
        final SchemaInfo info;
        final AtomicInteger lookups = new AtomicInteger();

        Provider(SchemaInfo info) {
            this.info = info;
        }

        @Override
        public CompletableFuture<SchemaInfo> getSchemaByVersion(byte[] schemaVersion) {
            lookups.incrementAndGet();
            return CompletableFuture.completedFuture(info);
        }

        @Override
        public CompletableFuture<SchemaInfo> getLatestSchema() {
            return CompletableFuture.completedFuture(info);
        }

        @Override
        public String getTopicName() {
            return TOPIC;
        }
    }
}
