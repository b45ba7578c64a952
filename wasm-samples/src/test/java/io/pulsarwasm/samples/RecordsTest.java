package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;

/** Record functions without a broker: the samples in Rust, C and AssemblyScript on Avro, JSON and KeyValue records. */
class RecordsTest {

    /** An Avro/JSON POJO as a producer would use it. */
    public static final class User {
        public String name;
        public int age;
        public String email;

        public User() {}

        User(String name, int age, String email) {
            this.name = name;
            this.age = age;
            this.email = email;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof User user
                    && Objects.equals(name, user.name)
                    && age == user.age
                    && Objects.equals(email, user.email);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, age, email);
        }

        @Override
        public String toString() {
            return name + "/" + age + "/" + email;
        }
    }

    private static final String RATING = "{\"type\":\"record\",\"name\":\"Rating\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"},"
            + "{\"name\":\"score\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":5,\"scale\":2}},"
            + "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
            + "{\"name\":\"level\",\"type\":{\"type\":\"enum\",\"name\":\"Level\",\"symbols\":[\"LOW\",\"HIGH\"]}},"
            + "{\"name\":\"blob\",\"type\":\"bytes\"},{\"name\":\"ratio\",\"type\":\"double\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    @Test
    void rustTransformsAnAvroRecordIntoTheInputSchema() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:records.wasm")) {
            RecordOutput out = tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, null)));
            assertEquals(new User("ADA", 37, null), out.value(Schema.AVRO(User.class)));
            assertEquals(SchemaType.AVRO, out.schemaInfo().getType());
            assertEquals(
                    Schema.AVRO(User.class).getSchemaInfo().getSchemaDefinition(),
                    out.schemaInfo().getSchemaDefinition());
        }
    }

    @Test
    void cRawTransformsAvroBinaryItself() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:record_raw.wasm").config("wasm.record.format", "raw")) {
            assertEquals(
                    new User("ADA", 37, null),
                    tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, null)))
                            .value(Schema.AVRO(User.class)));
            // age 63 to 64 makes its zig-zag varint one byte longer; a non-ASCII name keeps its bytes
            assertEquals(
                    new User("ZOë Q", 64, "z@x"),
                    tester.process(RecordInput.of(Schema.AVRO(User.class), new User("zoë q", 63, "z@x")))
                            .value(Schema.AVRO(User.class)));
            WasmExecutionException e = assertThrows(
                    WasmExecutionException.class,
                    () -> tester.process(new RecordInput(Schema.AVRO(User.class), new byte[] {2, 4}, null, null)));
            assertEquals(
                    "wasm module 'record_raw.wasm': export 'process' returned status 1: not a User: email",
                    e.getMessage());
        }
    }

    @Test
    void aPublishThatDoesNotFitItsTopicsSchemaFailsTheMessageAsOnAWorker() {
        String adult = "{\"type\":\"record\",\"name\":\"Adult\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(
                        "classpath:records.wasm")
                .config("publish_to", "adults")
                .config(
                        "wasm.record.publish-schemas",
                        "{\"adults\":{\"type\":\"AVRO\",\"definition\":" + adult + "}}")) {
            WasmExecutionException e = assertThrows(
                    WasmExecutionException.class,
                    () -> tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, null))));
            assertEquals(
                    "wasm module 'records.wasm': pulsar.publish to 'adults' failed: "
                            + "io.pulsarwasm.function.internal.record.RecordEncodingException: the value does not fit schema AVRO "
                            + "'Adult': $.age: record Adult has no field 'age' (its fields are [name])",
                    e.getMessage());
        }
    }

    @Test
    void cTransformsAJsonSchemaRecord() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:record.wasm")) {
            RecordOutput out =
                    tester.process(RecordInput.of(Schema.JSON(User.class), new User("grace", 85, "g@navy.mil")));
            assertEquals(new User("GRACE", 86, "g@navy.mil"), out.value(Schema.JSON(User.class)));
            assertEquals("{\"age\":86,\"email\":\"g@navy.mil\",\"name\":\"GRACE\"}", out.json());
        }
    }

    @Test
    void assemblyScriptTransformsAJsonSchemaRecord() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:user-record.wasm")) {
            RecordOutput out =
                    tester.process(RecordInput.of(Schema.JSON(User.class), new User("grace", 85, "g@navy.mil")));
            assertEquals(new User("GRACE", 86, "g@navy.mil"), out.value(Schema.JSON(User.class)));
            assertEquals("{\"age\":86,\"email\":\"g@navy.mil\",\"name\":\"GRACE\"}", out.json());
        }
    }

    @Test
    void assemblyScriptKeepsEscapedTextAndLongsExactly() {
        // Escapes, a surrogate pair and an age beyond a double's 2^53. Without a schema (BYTES) the
        // guest's output passes through as it wrote it; a JSON schema's is checked and normalised by
        // the host (which escapes the pair).
        byte[] json = "{\"name\":\"zo\\u00eb \\\"q\\\" \\ud83d\\ude00\\n\",\"age\":9007199254740993}"
                .getBytes(StandardCharsets.UTF_8);
        Schema<byte[]> schema = RecordInput.schema(
                SchemaType.JSON,
                "{\"type\":\"record\",\"name\":\"Person\",\"fields\":["
                        + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"long\"}]}");
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:user-record.wasm")) {
            assertEquals(
                    "{\"name\":\"ZO\u00eb \\\"Q\\\" \ud83d\ude00\\n\",\"age\":9007199254740994}",
                    tester.process(new RecordInput(Schema.BYTES, json, null, null))
                            .json());
            assertEquals(
                    "{\"name\":\"ZO\u00eb \\\"Q\\\" \\uD83D\\uDE00\\n\",\"age\":9007199254740994}",
                    tester.process(new RecordInput(schema, json, null, null)).json());
        }
    }

    @Test
    void assemblyScriptFailsAnInputThatIsNotAJsonObject() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:user-record.wasm")) {
            for (RecordInput input : new RecordInput[] {
                new RecordInput(Schema.BYTES, "{\"name\":".getBytes(StandardCharsets.UTF_8), null, null),
                RecordInput.of(Schema.STRING, "ada")
            }) {
                GuestErrorException e = assertThrows(GuestErrorException.class, () -> tester.process(input));
                assertEquals(
                        "wasm module 'user-record.wasm': export 'process' returned status 1: input is not a JSON object",
                        e.getMessage());
            }
        }
    }

    @Test
    void everyAvroTypeMapsToJsonAndBackExactly() {
        Schema<byte[]> schema = RecordInput.schema(SchemaType.AVRO, RATING);
        String json = "{\"name\":\"ada\",\"age\":36,\"score\":123.45,\"tags\":[\"a\",\"b\"],\"level\":\"HIGH\","
                + "\"blob\":\"AAEC\",\"ratio\":\"NaN\",\"note\":\"x\"}";
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:record.wasm").config("wasm.record.output-schema", "input")) {
            RecordOutput out = tester.process(RecordInput.ofJson(schema, json));
            assertEquals(json.replace("\"ada\"", "\"ADA\"").replace("36", "37"), out.json());
        }
    }

    @Test
    void aMissingFieldTakesItsDefaultAndAnUnknownOneIsRefusedByName() {
        Schema<byte[]> schema = RecordInput.schema(SchemaType.AVRO, RATING);
        String base =
                "{\"name\":\"ada\",\"age\":36,\"score\":1,\"tags\":[],\"level\":\"LOW\",\"blob\":\"\",\"ratio\":0.5";
        assertEquals(
                base.replace("\"score\":1", "\"score\":1.00") + ",\"note\":null}",
                new String(jsonOf(schema, base + "}"), StandardCharsets.UTF_8));
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> RecordInput.ofJson(schema, base + ",\"extra\":1}"));
        assertEquals(
                "$.extra: record t.Rating has no field 'extra' (its fields are [name, age, score, tags, level, blob, "
                        + "ratio, note])",
                unknown.getMessage());
        IllegalArgumentException decimal = assertThrows(
                IllegalArgumentException.class,
                () -> RecordInput.ofJson(schema, base.replace("\"score\":1", "\"score\":1.234") + "}"));
        assertEquals(
                "$.score: expected a decimal with at most 2 digits after the point and 5 in all, got 1.234",
                decimal.getMessage());
        IllegalArgumentException symbol = assertThrows(
                IllegalArgumentException.class, () -> RecordInput.ofJson(schema, base.replace("LOW", "MID") + "}"));
        assertEquals("$.level: expected one of the symbols [LOW, HIGH], got \"MID\"", symbol.getMessage());
    }

    private static byte[] jsonOf(Schema<byte[]> schema, String json) {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(
                        "classpath:records.wasm")
                .config("upper", "")
                .config("increment", "")) {
            return tester.process(RecordInput.ofJson(schema, json)).json().getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void anOutputThatDoesNotFitFailsTheMessageNamingTheField() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:records.wasm")) {
            WasmExecutionException e = assertThrows(
                    WasmExecutionException.class,
                    () -> tester.process(
                            RecordInput.of(Schema.AVRO(User.class), new User("max", Integer.MAX_VALUE, null))));
            assertEquals(
                    "wasm module 'records.wasm': the output of export 'process' cannot be written: the value does not "
                            + "fit schema AVRO (the input's): $.age: expected an int (32-bit integer), got 2147483648",
                    e.getMessage());
        }
    }

    @Test
    void aConfiguredOutputSchemaReshapesTheRecord() {
        String summary =
                "{\"type\":\"record\",\"name\":\"Summary\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                        + "{\"name\":\"age\",\"type\":\"long\"},{\"name\":\"email\",\"type\":[\"null\",\"string\"]},"
                        + "{\"name\":\"source\",\"type\":\"string\",\"default\":\"wasm\"}]}";
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(
                        "classpath:records.wasm")
                .config("wasm.record.output-schema", "{\"type\":\"AVRO\",\"definition\":" + summary + "}")) {
            RecordOutput out = tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, "a@b")));
            assertEquals("Summary", out.schemaInfo().getName());
            assertEquals("{\"name\":\"ADA\",\"age\":37,\"email\":\"a@b\",\"source\":\"wasm\"}", out.json());
        }
    }

    @Test
    void keyValueRecordsReachKeyAndValueInlineAndSeparated() {
        for (KeyValueEncodingType encoding : KeyValueEncodingType.values()) {
            Schema<KeyValue<String, User>> schema = Schema.KeyValue(Schema.STRING, Schema.AVRO(User.class), encoding);
            try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                    WasmFunctionTester.records("classpath:records.wasm").config("upper", "name,key")) {
                RecordOutput out =
                        tester.process(RecordInput.of(schema, new KeyValue<>("k1", new User("ada", 1, null))));
                KeyValue<String, User> value = out.value(schema);
                assertEquals("K1", value.getKey(), encoding.name());
                assertEquals(new User("ADA", 2, null), value.getValue(), encoding.name());
                // Pulsar's reflected Avro schema of User orders its fields by name.
                assertEquals(
                        "{\"key\":\"K1\",\"value\":{\"age\":2,\"email\":null,\"name\":\"ADA\"}}",
                        out.json(),
                        encoding.name());
            }
        }
    }

    @Test
    void theGuestReadsTheSchemaAndATopicWithoutOneGivesBytes() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:records.wasm")) {
            RecordOutput out =
                    tester.process(new RecordInput(Schema.BYTES, "hello".getBytes(StandardCharsets.UTF_8), null, null));
            assertEquals("HELLO", new String(out.value(Schema.BYTES), StandardCharsets.UTF_8));
            assertEquals(SchemaType.BYTES, out.schemaInfo().getType());
        }
    }

    @Test
    void aConfiguredOutputSchemaIsCheckedAtStart() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(
                        "classpath:records.wasm")
                .config("wasm.record.output-schema", "{\"type\":\"AVRO\",\"definition\":{\"type\":\"record\"}}")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> tester.process(RecordInput.of(Schema.AVRO(User.class), new User("a", 1, null))));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "user config wasm.record.output-schema: the definition is not an Avro schema: "),
                    e.getMessage());
        }
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records("classpath:records.wasm").config("wasm.record.output_schema", "input")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> tester.process(RecordInput.of(Schema.AVRO(User.class), new User("a", 1, null))));
            assertTrue(
                    e.getMessage()
                            .startsWith("unknown user config key 'wasm.record.output_schema'; did you mean "
                                    + "'wasm.record.output-schema'?"),
                    e.getMessage());
        }
    }
}
