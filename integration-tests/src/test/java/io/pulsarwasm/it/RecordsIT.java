package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.client.api.schema.GenericSchema;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Record functions on a real Pulsar: the Rust {@code records} sample (upper-cases {@code name},
 * adds 1 to {@code age}) deployed with {@code WasmRecordFunction} on topics with Avro, JSON,
 * Protobuf and KeyValue schemas and without one, the schema taken from the topic.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(6) // the order the two workers take the classes in (integration-tests/pom.xml)
class RecordsIT extends RealPulsarTest {

    static final String RECORD_FUNCTION = "io.pulsarwasm.function.WasmRecordFunction";
    private static final String AUTO_CONSUME = "AUTO_CONSUME (Pulsar's default)";
    private static final String UNDECODED = "io.pulsarwasm.schema.UndecodedAutoConsume";

    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"it\",\"fields\":["
            + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";
    private static final String V2 =
            V1.replace("]}", ",{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

    /** Version 1 of the users' schema. */
    public static final class UserV1 {
        public String name;
        public int age;

        public UserV1() {}

        UserV1(String name, int age) {
            this.name = name;
            this.age = age;
        }
    }

    private static final GenericSchema<GenericRecord> AVRO_V1 = Schema.generic(avro(V1));
    private static final GenericSchema<GenericRecord> AVRO_V2 = Schema.generic(avro(V2));

    private static SchemaInfo avro(String definition) {
        return SchemaInfo.builder()
                .name("User")
                .type(SchemaType.AVRO)
                .schema(definition.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static GenericRecord user(GenericSchema<GenericRecord> schema, String name, int age) {
        return schema.newRecordBuilder().set("name", name).set("age", age).build();
    }

    /** A record's fields, as a consumer with Schema.AUTO_CONSUME sees them. */
    private static List<Object> fields(GenericRecord record) {
        return record.getFields().stream()
                .map(field -> record.getField(field.getName()))
                .toList();
    }

    @ParameterizedTest(name = "input schema {0}")
    @ValueSource(strings = {AUTO_CONSUME, UNDECODED})
    void anAvroTopicEvolvesMidStreamAndARecordThatDoesNotFitIsDeadLettered(String inputSchema) throws Exception {
        String name = "rec-avro" + suffix(inputSchema);
        deploy(name, Map.of(), name + "-dlq", inputSchema);
        try (Consumer<GenericRecord> outputs = Messages.subscribe(client, NS + name + "-out", Schema.AUTO_CONSUME());
                Consumer<byte[]> deadLetters = Messages.subscribe(client, NS + name + "-dlq", Schema.BYTES)) {
            try (Producer<GenericRecord> v1 =
                    client.newProducer(AVRO_V1).topic(NS + name + "-in").create()) {
                v1.send(user(AVRO_V1, "ada", 36));
                v1.send(user(AVRO_V1, "max", Integer.MAX_VALUE));
                v1.send(user(AVRO_V1, "bob", 40));
            }
            try (Producer<GenericRecord> v2 =
                    client.newProducer(AVRO_V2).topic(NS + name + "-in").create()) {
                v2.send(AVRO_V2.newRecordBuilder()
                        .set("name", "cyd")
                        .set("age", 7)
                        .set("email", "cyd@example.org")
                        .build());
                v2.send(user(AVRO_V2, "dee", 8));
            }
            List<Message<GenericRecord>> received = Messages.receive(outputs, 4, LIVENESS);
            assertEquals(
                    List.of(
                            List.of("ADA", 37),
                            List.of("BOB", 41),
                            java.util.Arrays.asList("CYD", 8, "cyd@example.org"),
                            java.util.Arrays.asList("DEE", 9, null)),
                    received.stream().map(m -> fields(m.getValue())).toList());
            // the output follows the input's version: v1 records went out under v1, v2 records under v2
            assertEquals(
                    List.of(0L, 0L, 1L, 1L),
                    received.stream()
                            .map(m -> java.nio.ByteBuffer.wrap(m.getSchemaVersion())
                                    .getLong())
                            .toList());
            Message<byte[]> dead =
                    Messages.receive(deadLetters, 1, DEAD_LETTER_WAIT).get(0);
            assertEquals("max", AVRO_V1.decode(dead.getValue()).getField("name"));
            // Pulsar's dead-letter producer sends a message in its consumer's schema: AUTO_CONSUME's is the
            // message's version; UndecodedAutoConsume has none, so the bytes arrive without one
            if (inputSchema.equals(UNDECODED)) {
                assertNull(dead.getSchemaVersion());
            } else {
                SchemaInfo deadSchema = admin.schemas()
                        .getSchemaInfo(
                                NS + name + "-dlq",
                                java.nio.ByteBuffer.wrap(dead.getSchemaVersion())
                                        .getLong());
                assertEquals(SchemaType.AVRO, deadSchema.getType());
                assertEquals(
                        Schema.generic(avro(V1)).getSchemaInfo().getSchemaDefinition(),
                        Schema.generic(deadSchema).getSchemaInfo().getSchemaDefinition(),
                        "the dead letter's version is its own (v1)");
            }
            Awaitility.await("the reason in the log")
                    .atMost(LIVENESS)
                    .until(() -> pulsar.functionLog("public", "default", name)
                            .contains("the output of export 'process' cannot be "
                                    + "written: the value does not fit schema AVRO 'public/default/" + name
                                    + "-in' (the input's): $.age: expected an int (32-bit integer), got 2147483648"));
        }
        Functions.delete(admin, name);
    }

    @ParameterizedTest(name = "input schema {0}")
    @ValueSource(strings = {AUTO_CONSUME, UNDECODED})
    void jsonProtobufKeyValueAndSchemalessTopics(String inputSchema) throws Exception {
        String s = suffix(inputSchema);
        deploy("rec-json" + s, Map.of(), null, inputSchema);
        deploy("rec-proto" + s, Map.of("increment", "number"), null, inputSchema);
        deploy("rec-kv" + s, Map.of(), null, inputSchema);
        deploy("rec-bytes" + s, Map.of(), null, inputSchema);
        Schema<UserV1> json = Schema.JSON(UserV1.class);
        Schema<KeyValue<String, GenericRecord>> keyValue =
                Schema.KeyValue(Schema.STRING, AVRO_V1, KeyValueEncodingType.SEPARATED);
        try (Consumer<UserV1> jsonOut = Messages.subscribe(client, NS + "rec-json" + s + "-out", json);
                Consumer<Field> protoOut =
                        Messages.subscribe(client, NS + "rec-proto" + s + "-out", Schema.PROTOBUF_NATIVE(Field.class));
                Consumer<KeyValue<String, GenericRecord>> kvOut =
                        Messages.subscribe(client, NS + "rec-kv" + s + "-out", keyValue);
                Consumer<byte[]> bytesOut = Messages.subscribe(client, NS + "rec-bytes" + s + "-out", Schema.BYTES)) {
            try (Producer<UserV1> producer =
                    client.newProducer(json).topic(NS + "rec-json" + s + "-in").create()) {
                // a record function's output is in the input's trace too, with a span of its own
                producer.newMessage()
                        .value(new UserV1("grace", 85))
                        .property("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                        .send();
            }
            try (Producer<Field> producer = client.newProducer(Schema.PROTOBUF_NATIVE(Field.class))
                    .topic(NS + "rec-proto" + s + "-in")
                    .create()) {
                producer.send(Field.newBuilder()
                        .setName("id")
                        .setNumber(1)
                        .setJsonName("id")
                        .build());
            }
            try (Producer<KeyValue<String, GenericRecord>> producer = client.newProducer(keyValue)
                    .topic(NS + "rec-kv" + s + "-in")
                    .create()) {
                producer.send(new KeyValue<>("k1", user(AVRO_V1, "alan", 41)));
                if (!inputSchema.equals(UNDECODED)) {
                    // a tombstone: the guest reads "value": null and echoes it. Not with UndecodedAutoConsume:
                    // Pulsar hands a function no message whose value decodes to null, and stops the instance
                    producer.send(new KeyValue<>("k2", null));
                }
            }
            try (Producer<byte[]> producer = client.newProducer(Schema.BYTES)
                    .topic(NS + "rec-bytes" + s + "-in")
                    .create()) {
                producer.send("hello".getBytes(StandardCharsets.UTF_8));
            }
            Message<UserV1> fromJson = Messages.receive(jsonOut, 1, LIVENESS).get(0);
            assertEquals(List.of("GRACE", 86), List.of(fromJson.getValue().name, fromJson.getValue().age));
            String span = fromJson.getProperty("traceparent");
            assertTrue(
                    span != null
                            && span.matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                            && !span.contains("00f067aa0ba902b7"),
                    "traceparent " + span);
            assertEquals(
                    SchemaType.JSON,
                    admin.schemas().getSchemaInfo(NS + "rec-json" + s + "-out").getType());

            Field field = Messages.receive(protoOut, 1, LIVENESS).get(0).getValue();
            assertEquals(
                    Field.newBuilder()
                            .setName("ID")
                            .setNumber(2)
                            .setJsonName("id")
                            .build(),
                    field);

            List<Message<KeyValue<String, GenericRecord>>> pairs =
                    Messages.receive(kvOut, inputSchema.equals(UNDECODED) ? 1 : 2, LIVENESS);
            KeyValue<String, GenericRecord> pair = pairs.get(0).getValue();
            assertEquals(
                    List.of("k1", "ALAN", 42),
                    List.of(
                            pair.getKey(),
                            pair.getValue().getField("name"),
                            pair.getValue().getField("age")));
            if (!inputSchema.equals(UNDECODED)) {
                assertEquals("k2", pairs.get(1).getValue().getKey());
                assertNull(pairs.get(1).getValue().getValue());
            }

            Message<byte[]> bytes = Messages.receive(bytesOut, 1, LIVENESS).get(0);
            assertEquals("HELLO", new String(bytes.getValue(), StandardCharsets.UTF_8));
            assertNull(bytes.getSchemaVersion());
        }
        for (String name : List.of("rec-json", "rec-proto", "rec-kv", "rec-bytes")) {
            Functions.delete(admin, name + s);
        }
    }

    /** The topics' own names for Pulsar's AUTO_CONSUME, a suffix for UndecodedAutoConsume. */
    private static String suffix(String inputSchema) {
        return inputSchema.equals(UNDECODED) ? "-u" : "";
    }

    private static void deploy(String name, Map<String, Object> config, String deadLetterTopic, String inputSchema)
            throws Exception {
        Map<String, Object> userConfig = new java.util.HashMap<>(config);
        userConfig.put("wasm.module", "file://" + pulsar.visibleToWorker(Artifacts.sample("records.wasm")));
        FunctionConfig.FunctionConfigBuilder builder = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(RECORD_FUNCTION)
                .runtime(FunctionConfig.Runtime.JAVA)
                .output(NS + name + "-out")
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(userConfig);
        // Pulsar's default for a GenericObject function is AUTO_CONSUME; the other is given as pulsar-admin's
        // --input-specs '{"<topic>":{"schemaType":"io.pulsarwasm.schema.UndecodedAutoConsume"}}' gives it
        if (inputSchema.equals(UNDECODED)) {
            builder.inputSpecs(Map.of(
                    NS + name + "-in",
                    ConsumerConfig.builder().schemaType(UNDECODED).build()));
        } else {
            builder.inputs(List.of(NS + name + "-in"));
        }
        if (deadLetterTopic != null) {
            builder.maxMessageRetries(1).deadLetterTopic(NS + deadLetterTopic).timeoutMs(RETRY_DELAY_MS);
        }
        admin.functions().createFunction(builder.build(), Artifacts.genericNar().toString());
    }
}
