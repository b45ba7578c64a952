package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.common.schema.KeyValueEncodingType;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile record outputs: what the host must encode after the guest returned, outside the guest's
 * deadline, so every value's cost is bounded before it is spent. The guest is {@code echo.wasm},
 * which answers with its input: on a JSON-schema topic the guest's input is the message's JSON as it
 * is, and in raw format the message's bytes, so each test's message is the hostile output. This
 * module's surefire runs under {@code -Xmx512m}: a length believed before it is checked fails the run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdversarialRecordTest {

    private static final String ECHO = "classpath:wasm/echo.wasm";
    private static final String PREFIX = "wasm module 'echo.wasm': the output of export 'process' cannot be written: ";

    private static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}";
    }

    /** The error of echoing {@code json} on a JSON-schema topic whose records have these fields. */
    private static String jsonError(String fields, String json) {
        Schema<byte[]> schema = RecordInput.schema(SchemaType.JSON, record(fields));
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)) {
            RecordInput input = new RecordInput(schema, json.getBytes(StandardCharsets.UTF_8), null, null);
            return assertThrows(WasmExecutionException.class, () -> tester.process(input))
                    .getMessage();
        }
    }

    /** The error of echoing {@code data} in raw format on a topic of this schema. */
    private static String rawError(Schema<?> schema, byte[] data) {
        try (WasmFunctionTester<GenericObject, RecordOutput> tester =
                WasmFunctionTester.records(ECHO).config("wasm.record.format", "raw")) {
            RecordInput input = new RecordInput(schema, data, null, null);
            return assertThrows(WasmExecutionException.class, () -> tester.process(input))
                    .getMessage();
        }
    }

    @Test
    void aNumberWithAHugeExponentIsRefusedAsAnIntWithoutBeingExpanded() {
        assertEquals(
                PREFIX + "the value does not fit schema JSON (the input's): $.n: expected an int (32-bit integer), "
                        + "got 1E+200000",
                jsonError("{\"name\":\"n\",\"type\":\"int\"}", "{\"n\":1e200000}"));
        assertEquals(
                PREFIX + "the value does not fit schema JSON (the input's): $.n: expected a long (64-bit integer), "
                        + "got 1E-200000",
                jsonError("{\"name\":\"n\",\"type\":\"long\"}", "{\"n\":1e-200000}"));
        // just under Jackson's limit on a BigDecimal's scale, which expanded to an integer would have 332,000 bits
        assertEquals(
                PREFIX + "the value does not fit schema JSON (the input's): $.n[1]: expected an int (32-bit integer), "
                        + "got 1E+99999",
                jsonError(
                        "{\"name\":\"n\",\"type\":{\"type\":\"array\",\"items\":[\"null\",\"int\",\"long\"]}}",
                        "{\"n\":[1,1e99999]}"));
    }

    @Test
    void theLargestOutputOfTheSmallestValuesIsEncodedWithinTheHeap() {
        // 2 million one-digit elements, 4 MiB of JSON: the parsed tree is the host's largest per-output cost
        Schema<byte[]> schema = RecordInput.schema(
                SchemaType.JSON, record("{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}"));
        String json = "{\"a\":[" + "0,".repeat(2_000_000) + "1]}";
        try (WasmFunctionTester<GenericObject, RecordOutput> tester = WasmFunctionTester.records(ECHO)) {
            RecordOutput out =
                    tester.process(new RecordInput(schema, json.getBytes(StandardCharsets.UTF_8), null, null));
            assertEquals(json, out.json());
        }
    }

    @Test
    void aDecimalWithAHugeExponentIsRefusedWithoutBeingScaled() {
        String fields =
                "{\"name\":\"d\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}}";
        String expected =
                PREFIX + "the value does not fit schema JSON (the input's): $.d: expected a decimal with at most 2 "
                        + "digits after the point and 6 in all, got ";
        assertEquals(expected + "1E+100000000", jsonError(fields, "{\"d\":1e100000000}"));
        assertEquals(expected + "1E-100000000", jsonError(fields, "{\"d\":1e-100000000}"));
        assertEquals(expected + "\"1e100000000\"", jsonError(fields, "{\"d\":\"1e100000000\"}"));
        assertEquals(expected + "12345.6", jsonError(fields, "{\"d\":12345.6}"));
        assertEquals(expected + "1.234", jsonError(fields, "{\"d\":1.234}"));
        String digits = "\"" + "9".repeat(1001) + "\"";
        assertEquals(expected + digits.substring(0, 60) + "...", jsonError(fields, "{\"d\":" + digits + "}"));
    }

    @Test
    void aNumberBeyondADoublesRangeIsRefused() {
        assertEquals(
                PREFIX + "the value does not fit schema JSON (the input's): $.x: expected a double (beyond its range; "
                        + "write \"Infinity\" or \"-Infinity\" for those), got 1E+400",
                jsonError("{\"name\":\"x\",\"type\":\"double\"}", "{\"x\":1e400}"));
        assertEquals(
                PREFIX + "the value does not fit schema JSON (the input's): $.x: expected a float (beyond its range; "
                        + "write \"Infinity\" or \"-Infinity\" for those), got 1E+39",
                jsonError("{\"name\":\"x\",\"type\":\"float\"}", "{\"x\":1e39}"));
    }

    @Test
    void aKeyValueInlineLengthIsCheckedBeforeAnythingIsAllocated() {
        Schema<?> schema = Schema.KeyValue(Schema.STRING, Schema.STRING, KeyValueEncodingType.INLINE);
        byte[] hostile =
                ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array();
        assertEquals(
                PREFIX
                        + "the value does not fit schema KEY_VALUE 'KeyValue' (the input's): $: a KeyValue INLINE value gives its "
                        + "key a length of 2147483647 bytes, and 4 follow",
                rawError(schema, hostile));
        byte[] negative = ByteBuffer.allocate(8).putInt(-2).putInt(0).array();
        assertEquals(
                PREFIX
                        + "the value does not fit schema KEY_VALUE 'KeyValue' (the input's): $: a KeyValue INLINE value gives its "
                        + "key a length of -2 bytes, and 4 follow",
                rawError(schema, negative));
        byte[] trailing = ByteBuffer.allocate(11)
                .putInt(1)
                .put((byte) 'k')
                .putInt(1)
                .put((byte) 'v')
                .put((byte) 0)
                .array();
        assertEquals(
                PREFIX
                        + "the value does not fit schema KEY_VALUE 'KeyValue' (the input's): $: 1 bytes follow a KeyValue INLINE "
                        + "value's value",
                rawError(schema, trailing));
    }

    @Test
    void anAvroLengthOrItemCountIsCheckedBeforeAnythingIsAllocated() {
        Schema<byte[]> strings = RecordInput.schema(SchemaType.AVRO, record("{\"name\":\"s\",\"type\":\"string\"}"));
        // zig-zag varint 2^31: a string of 2 GiB declared in 5 bytes
        assertEquals(
                PREFIX + "the value does not fit schema AVRO (the input's): $: the bytes are not an Avro value of t.R: "
                        + "a string of 2147483648 bytes in a value of 5",
                rawError(strings, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}));
        assertEquals(
                PREFIX + "the value does not fit schema AVRO (the input's): $: the bytes are not an Avro value of t.R: "
                        + "they end too soon",
                rawError(strings, new byte[] {0x06, 'a', 'b'}));
        Schema<byte[]> nulls = RecordInput.schema(
                SchemaType.AVRO, record("{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}"));
        // an array block of 2^30 nulls: nothing to read per item, so only the count can stop it (Avro's reader
        // would first make a list of that capacity, 4 GiB)
        assertEquals(
                PREFIX + "the value does not fit schema AVRO (the input's): $: the bytes are not an Avro value of t.R: "
                        + "more array and map items than the bytes can hold",
                rawError(nulls, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0x00}));
    }

    @Test
    void anAvroValueNestedDeeperThanAThousandIsRefusedWithoutExhaustingTheStack() {
        Schema<byte[]> list = RecordInput.schema(
                SchemaType.AVRO,
                "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                        + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
        byte[] deep = new byte[500_001];
        java.util.Arrays.fill(deep, 0, 500_000, (byte) 0x02); // union branch 1 (a Node), 500,000 times, then null
        assertEquals(
                PREFIX
                        + "the value does not fit schema AVRO (the input's): $: the bytes are not an Avro value of Node: "
                        + "values nest deeper than 1000",
                rawError(list, deep));
    }
}
