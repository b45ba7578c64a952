package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.UninterpretedOption.NamePart;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.common.schema.KeyValue;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records a pipeline meets and the mapping must get right: tombstones, unions whose branches a
 * value could fit more than one of, non-finite numbers, protobuf's required fields. The guest is
 * {@code echo.wasm}, which answers with what it reads, so the output shows what the host made of it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordEdgeCaseTest {

    private static final String ECHO = "classpath:wasm/echo.wasm";

    @Test
    void aKeyValueTombstoneReachesTheGuestAsANullValueAndGoesOutAsOne() {
        Schema<KeyValue<String, String>> schema =
                Schema.KeyValue(Schema.STRING, Schema.STRING, KeyValueEncodingType.SEPARATED);
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)) {
            RecordOutput out = tester.process(RecordInput.of(schema, new KeyValue<>("order-7", null)));
            assertEquals("{\"key\":\"order-7\",\"value\":null}", out.json());
            assertEquals(new KeyValue<>("order-7", null), out.value(schema));
        }
        Schema<KeyValue<String, String>> inline =
                Schema.KeyValue(Schema.STRING, Schema.STRING, KeyValueEncodingType.INLINE);
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)) {
            RecordOutput out = tester.process(RecordInput.of(inline, new KeyValue<>("order-7", null)));
            assertEquals("{\"key\":\"order-7\",\"value\":null}", out.json());
            assertEquals(new KeyValue<>("order-7", null), out.value(inline));
        }
    }

    @Test
    void aUnionTakesTheBranchOfTheValuesJsonKindNotTheFirstThatFits() throws IOException {
        String definition = "{\"type\":\"record\",\"name\":\"U\",\"fields\":["
                + "{\"name\":\"number\",\"type\":[\"long\",\"double\"]},"
                + "{\"name\":\"text\",\"type\":[\"bytes\",\"string\"]},"
                + "{\"name\":\"shape\",\"type\":[{\"type\":\"record\",\"name\":\"Circle\",\"fields\":[{\"name\":\"r\",\"type\":\"int\"}]},"
                + "{\"type\":\"record\",\"name\":\"Square\",\"fields\":[{\"name\":\"side\",\"type\":\"int\"}]}]}]}";
        Schema<byte[]> json = RecordInput.schema(SchemaType.JSON, definition);
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)
                .config("wasm.record.output-schema", "{\"type\":\"AVRO\",\"definition\":" + definition + "}")) {
            RecordOutput out = tester.process(new RecordInput(
                    json,
                    "{\"number\":3.0,\"text\":\"QUJD\",\"shape\":{\"side\":2}}".getBytes(StandardCharsets.UTF_8),
                    null,
                    null));
            org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(definition);
            GenericRecord record = (GenericRecord) new GenericDatumReader<>(avro)
                    .read(null, DecoderFactory.get().binaryDecoder((byte[]) out.getValue(), null));
            assertEquals(3.0, record.get("number"));
            assertEquals(new Utf8("QUJD"), record.get("text"));
            assertEquals(
                    "Square", ((GenericRecord) record.get("shape")).getSchema().getName());
            assertEquals("{\"number\":3.0,\"text\":\"QUJD\",\"shape\":{\"side\":2}}", out.json());
            RecordOutput whole = tester.process(new RecordInput(
                    json,
                    "{\"number\":3,\"text\":{\"bytes\":\"QUJD\"},\"shape\":{\"r\":1}}".getBytes(StandardCharsets.UTF_8),
                    null,
                    null));
            assertEquals("{\"number\":3,\"text\":\"QUJD\",\"shape\":{\"r\":1}}", whole.json());
        }
    }

    @Test
    void anOptionalDecimalTakesANumberOrItsText() {
        String definition =
                "{\"type\":\"record\",\"name\":\"Price\",\"fields\":[{\"name\":\"amount\",\"type\":[\"null\","
                        + "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}],\"default\":null}]}";
        Schema<byte[]> json = RecordInput.schema(SchemaType.JSON, definition);
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)
                .config("wasm.record.output-schema", "{\"type\":\"AVRO\",\"definition\":" + definition + "}")) {
            for (String amount : List.of("\"12.3\"", "12.3", "null")) {
                RecordOutput out = tester.process(new RecordInput(
                        json, ("{\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8), null, null));
                assertEquals(amount.equals("null") ? "{\"amount\":null}" : "{\"amount\":12.30}", out.json());
            }
        }
    }

    @Test
    void nonFiniteNumbersPassAsTheirNamesInPrimitiveSchemas() {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)) {
            for (double value :
                    List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5e300, 4.9e-324)) {
                RecordOutput out = tester.process(RecordInput.of(Schema.DOUBLE, value));
                assertEquals(Double.valueOf(value), out.value(Schema.DOUBLE));
            }
            RecordOutput out = tester.process(RecordInput.of(Schema.FLOAT, Float.NaN));
            assertEquals("\"NaN\"", out.json());
            assertTrue(Float.isNaN(out.value(Schema.FLOAT)));
        }
    }

    @Test
    void aMissingRequiredProtobufFieldIsRefusedNamingTheField() {
        Schema<NamePart> schema = Schema.PROTOBUF_NATIVE(NamePart.class);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RecordInput.ofJson(schema, "{\"name_part\":\"x\"}"));
        assertEquals(
                "$: not a google.protobuf.UninterpretedOption.NamePart in protobuf's JSON mapping: Message missing "
                        + "required fields: is_extension",
                e.getMessage());
    }
}
