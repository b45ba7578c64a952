package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;

/**
 * Go functions (WASI commands built by Go 1.23 against sdk/go) on a real Pulsar, through the
 * generic NAR as a user deploys them: a stateful counter that publishes, a record function on an
 * Avro topic, a Go guest's view of the whole context, and a Go guest that calls {@code os.Exit}
 * mid-stream — its message dead-lettered, the next one answered by a fresh instance.
 */
@org.junit.jupiter.api.Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(22) // the order the two workers take the classes in (integration-tests/pom.xml)
class GoIT extends RealPulsarTest {

    /** Go's runtime starts at about 270 pages; the default limit is 256. */
    private static final String GO_PAGES = "1024";

    @Test
    void counterKeepsCountsInStateAndPublishesEachInputToTheAuditTopic() throws Exception {
        pulsar.pulsarAdmin(
                        "functions",
                        "create",
                        "--jar",
                        pulsar.visibleToWorker(Artifacts.genericNar()),
                        "--classname",
                        STRING_FUNCTION,
                        "--name",
                        "go-counter",
                        "--inputs",
                        NS + "go-counter-in",
                        "--output",
                        NS + "go-counter-out",
                        "--subs-position",
                        "Earliest",
                        "--user-config",
                        "{\"wasm.module\": \"" + sample("go_counter.wasm") + "\", \"wasm.max-memory-pages\": "
                                + GO_PAGES + ", \"audit-topic\": \"" + NS + "go-audit\"}")
                .orFail("functions create go-counter");
        try (Consumer<String> outputs = Messages.subscribe(client, NS + "go-counter-out", Schema.STRING);
                Consumer<byte[]> audit = Messages.subscribe(client, NS + "go-audit", Schema.BYTES);
                Producer<String> producer = client.newProducer(Schema.STRING)
                        .topic(NS + "go-counter-in")
                        .create()) {
            producer.newMessage().key("a").value("m1").send();
            producer.newMessage().key("b").value("m2").send();
            producer.newMessage().key("a").value("m3").send();
            producer.newMessage().value("m4").send();
            assertEquals(
                    List.of("a=1", "b=1", "a=2", "(none)=1"), Messages.values(Messages.receive(outputs, 4, LIVENESS)));
            List<Message<byte[]>> audited = Messages.receive(audit, 4, LIVENESS);
            assertEquals(
                    List.of("a {count=1} m1", "b {count=1} m2", "a {count=2} m3", "(none) {count=1} m4"),
                    audited.stream()
                            .map(m -> m.getKey() + " " + m.getProperties() + " "
                                    + new String(m.getValue(), StandardCharsets.UTF_8))
                            .toList());
        }
        assertEquals(
                2L,
                admin.functions()
                        .getFunctionState("public", "default", "go-counter", "count:a")
                        .getNumberValue());
        Functions.delete(admin, "go-counter");
    }

    @Test
    void recordFunctionTransformsAvroUsersInTheInputsSchema() throws Exception {
        String schema = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                + "{\"name\":\"age\",\"type\":\"int\"},{\"name\":\"email\",\"type\":[\"null\",\"string\"],"
                + "\"default\":null}]}";
        GenericSchema<GenericRecord> avro = Schema.generic(SchemaInfo.builder()
                .name("User")
                .type(SchemaType.AVRO)
                .schema(schema.getBytes(StandardCharsets.UTF_8))
                .build());
        deploy("go-record", RecordsIT.RECORD_FUNCTION, "go_record.wasm", null);
        try (Consumer<GenericRecord> outputs = Messages.subscribe(client, NS + "go-record-out", Schema.AUTO_CONSUME());
                Producer<GenericRecord> producer =
                        client.newProducer(avro).topic(NS + "go-record-in").create()) {
            producer.send(avro.newRecordBuilder()
                    .set("name", "ada")
                    .set("age", 36)
                    .set("email", null)
                    .build());
            producer.send(avro.newRecordBuilder()
                    .set("name", "")
                    .set("age", 1)
                    .set("email", null)
                    .build());
            producer.send(avro.newRecordBuilder()
                    .set("name", "zoë")
                    .set("age", 63)
                    .set("email", "z@x")
                    .build());
            assertEquals(
                    List.of(List.of("ADA", 37, "null"), List.of("ZOË", 64, "z@x")),
                    Messages.receive(outputs, 2, LIVENESS).stream()
                            .map(m -> List.<Object>of(
                                    String.valueOf(m.getValue().getField("name")),
                                    m.getValue().getField("age"),
                                    String.valueOf(m.getValue().getField("email"))))
                            .toList());
        }
        Functions.delete(admin, "go-record");
    }

    @Test
    void aGoGuestThatExitsIsDeadLetteredAndAFreshInstanceAnswersTheNextMessage() throws Exception {
        deploy("go-hostile", BYTES_FUNCTION, null, "go-hostile-dlq");
        try (Consumer<byte[]> outputs = Messages.subscribe(client, NS + "go-hostile-out", Schema.BYTES);
                Consumer<byte[]> deadLetters = Messages.subscribe(client, NS + "go-hostile-dlq", Schema.BYTES);
                Producer<byte[]> producer = client.newProducer(Schema.BYTES)
                        .topic(NS + "go-hostile-in")
                        .enableBatching(false)
                        .create()) {
            producer.send("before".getBytes(StandardCharsets.UTF_8));
            // the whole context through the command entry's held values: text, a map, bytes, an optional number
            producer.newMessage()
                    .key("k1")
                    .property("p", "v")
                    .property("q", "")
                    .eventTime(1_700_000_000_123L)
                    .value("probe".getBytes(StandardCharsets.UTF_8))
                    .send();
            for (String text : List.of("exit", "after")) {
                producer.send(text.getBytes(StandardCharsets.UTF_8));
            }
            List<String> answers = Messages.receive(outputs, 3, LIVENESS).stream()
                    .map(m -> new String(m.getValue(), StandardCharsets.UTF_8))
                    .toList();
            assertEquals("before", answers.get(0));
            assertEquals("after", answers.get(2));
            List<String> probed = List.of(answers.get(1).split("\n"));
            assertEquals(
                    List.of(
                            "config=hello/true",
                            "config-missing=/false",
                            "secret=/false",
                            "key=k1/true",
                            "topic=" + NS + "go-hostile-in/true",
                            "property=v/true",
                            "properties=p:v,q:/true",
                            "event-time=1700000000123/true",
                            "schema=/true",
                            "identity=public/default/go-hostile/true",
                            "instance=0 of 1/true",
                            "redelivery=0/true",
                            "state-absent=\"\" <nil>/false"),
                    probed.stream()
                            .filter(line -> !line.startsWith("message-id="))
                            .toList());
            // Pulsar's serialized message id: present, and not empty
            assertTrue(probed.stream().anyMatch(line -> line.matches("message-id=[0-9a-f]{2,}/true")), answers.get(1));
            assertEquals(
                    List.of("exit"),
                    Messages.receive(deadLetters, 1, DEAD_LETTER_WAIT).stream()
                            .map(m -> new String(m.getValue(), StandardCharsets.UTF_8))
                            .toList());
        }
        org.awaitility.Awaitility.await("the exit in the log of go-hostile")
                .atMost(LIVENESS)
                .until(() -> pulsar.functionLog("public", "default", "go-hostile")
                        .contains("wasm module 'go_hostile.wasm': the command's main (export '_start') ended: its main "
                                + "called proc_exit(3) before it answered"));
        assertEquals(
                1,
                admin.functions()
                        .getFunctionStatus("public", "default", "go-hostile")
                        .getNumRunning());
        Functions.delete(admin, "go-hostile");
    }

    /** Deploys a Go module through the generic NAR; {@code module} null is the hostile test module. */
    private static void deploy(String name, String className, String module, String deadLetterTopic) throws Exception {
        String location = module != null
                ? sample(module)
                : "file://"
                        + pulsar.visibleToWorker(Artifacts.repoDir()
                                .resolve("pulsar-wasm-engine/src/test/resources/wasm/go_hostile.wasm"));
        FunctionConfig.FunctionConfigBuilder builder = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(className)
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputs(List.of(NS + name + "-in"))
                .output(NS + name + "-out")
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(Map.of("wasm.module", location, "wasm.max-memory-pages", 1024, "greeting", "hello"));
        if (deadLetterTopic != null) {
            builder.maxMessageRetries(1).deadLetterTopic(NS + deadLetterTopic).timeoutMs(RETRY_DELAY_MS);
        }
        admin.functions().createFunction(builder.build(), Artifacts.genericNar().toString());
    }

    private static String sample(String file) {
        return "file://" + pulsar.visibleToWorker(Artifacts.sample(file));
    }
}
