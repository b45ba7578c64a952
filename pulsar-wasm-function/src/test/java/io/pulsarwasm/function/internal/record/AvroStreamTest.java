package io.pulsarwasm.function.internal.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * A guest's JSON output is read as a stream ({@link AvroJson#stream}, no tree), and read again as a
 * tree only when it does not fit: for any text, the bytes sent, or the error, are exactly those of
 * the tree path ({@link AvroJson#read}) that was the only path before. The texts are records of a
 * schema with a field of every kind, each field given a value from a pool of fitting and unfitting
 * ones, some fields left out, repeated or unknown, in any order, with trailing text now and then.
 */
class AvroStreamTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
                    {"type": "record", "name": "Every", "namespace": "t", "fields": [
                      {"name": "i", "type": "int"},
                      {"name": "l", "type": "long"},
                      {"name": "f", "type": "float", "default": 1.5},
                      {"name": "d", "type": "double"},
                      {"name": "s", "type": "string"},
                      {"name": "b", "type": "boolean", "default": false},
                      {"name": "n", "type": "null", "default": null},
                      {"name": "by", "type": "bytes", "default": ""},
                      {"name": "fx", "type": {"type": "fixed", "name": "Two", "size": 2}, "default": "ab"},
                      {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}, "default": "RED"},
                      {"name": "day", "type": {"type": "int", "logicalType": "date"}, "default": 0},
                      {"name": "a", "type": {"type": "array", "items": "int"}, "default": []},
                      {"name": "m", "type": {"type": "map", "values": "string"}, "default": {}},
                      {"name": "opt", "type": ["null", "string"], "default": null},
                      {"name": "in", "type": {"type": "record", "name": "Inner", "fields": [
                        {"name": "x", "type": "int"}, {"name": "y", "type": ["null", "string"], "default": null}]},
                       "default": {"x": 0}},
                      {"name": "u", "type": ["null", "long", "Inner"], "default": null}
                    ]}
                    """);

    private static final List<String> FIELDS =
            List.of("i", "l", "f", "d", "s", "b", "n", "by", "fx", "e", "day", "a", "m", "opt", "u", "in", "unknown");

    /** Values of every kind, fitting some fields and not others. */
    private static final List<String> VALUES = List.of(
            "0",
            "36",
            "-7",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "3.0",
            "3.5",
            "1e2",
            "1e400",
            "-0",
            "0.1",
            "\"NaN\"",
            "\"Infinity\"",
            "\"text\"",
            "\"\"",
            "\"caf\\u00e9 \\ud83d\\ude00\"",
            "\"\\ud800\"",
            "\"RED\"",
            "\"BLUE\"",
            "\"YWI=\"",
            "\"!!\"",
            "true",
            "false",
            "null",
            "[]",
            "[1, 2, 3]",
            "[1, \"x\"]",
            "{}",
            "{\"k\": \"v\"}",
            "{\"k\": 1}",
            "{\"x\": 1}",
            "{\"x\": 1, \"y\": \"z\"}",
            "{\"x\": \"no\"}",
            "{\"long\": 5}",
            "{\"t.Inner\": {\"x\": 2}}",
            "{\"string\": \"s\"}",
            "[[]]",
            "{\"a\": {\"b\": {}}}");

    private static final AvroCodec CODEC = new AvroCodec(SCHEMA);

    /** What one path made of a text: the bytes, or the error's class and message. */
    private static String outcome(byte[] text, boolean stream) {
        try {
            byte[] bytes = stream ? CODEC.encode(text, "$") : CODEC.encode(RecordCodec.parse(text, "$"), "$");
            return "bytes " + java.util.HexFormat.of().formatHex(bytes);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void assertSameOutcome(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(outcome(bytes, false), outcome(bytes, true), text);
    }

    @Provide
    Arbitrary<String> records() {
        Arbitrary<String> member = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of(VALUES))
                .as((name, value) -> "\"" + name + "\": " + value);
        Arbitrary<List<String>> members = member.list().ofMaxSize(20);
        Arbitrary<String> trailing = Arbitraries.of("", "", "", " ", " 1", " {}", "}", "x");
        return Combinators.combine(members, trailing, Arbitraries.of(true, true, true, false))
                .as((list, after, braces) ->
                        (braces ? "{" + String.join(", ", list) + "}" : String.join(", ", list)) + after);
    }

    @Property(tries = 3000)
    void anyTextGivesTheTreePathsBytesOrItsError(@ForAll("records") String text) {
        assertSameOutcome(text);
    }

    @Property(tries = 1000)
    void aRecordWithEveryRequiredFieldFittingIsAlsoTheSame(@ForAll("fitting") String text) {
        assertSameOutcome(text);
    }

    /**
     * The other way, a record's encoding to the guest's JSON ({@link AvroJson#transcode}, no
     * decoded value): for the encoding of any fitting text, cut short at any point, or with a byte
     * more, the JSON written, or the failure, is that of decoding it and writing the value ({@link
     * AvroJson#write}), the only path before. (Where the stream fails, {@code RecordCodec} writes
     * the value again the decoding way, so a failure only has to be a failure.)
     */
    @Property(tries = 1000)
    void anEncodingIsWrittenAsTheDecodedValueIsOrFailsAsItFails(@ForAll("fitting") String text) {
        byte[] encoded;
        try {
            encoded = CODEC.encode(RecordCodec.parse(text.getBytes(StandardCharsets.UTF_8), "$"), "$");
        } catch (RecordEncodingException doesNotFit) {
            return; // an optional field given a value of another kind: no encoding to start from
        }
        List<byte[]> variants = new ArrayList<>();
        variants.add(encoded);
        variants.add(java.util.Arrays.copyOf(encoded, encoded.length + 1));
        for (int cut = 0; cut < encoded.length; cut += 1 + cut / 4) {
            variants.add(java.util.Arrays.copyOf(encoded, cut));
        }
        for (byte[] variant : variants) {
            String decoded = json(variant, false);
            String streamed = json(variant, true);
            if (decoded.startsWith("failed")) {
                assertEquals("failed", streamed.substring(0, Math.min(6, streamed.length())), text);
            } else {
                assertEquals(decoded, streamed, text);
            }
        }
    }

    private static final AvroCodec AVRO = new AvroCodec(SCHEMA);

    /**
     * A hostile input: six bytes declaring two billion nulls. Written out, that is 10 GB of JSON;
     * it fails at once, naming why, and is not read again by decoding (which would allocate an
     * array of two billion).
     */
    @Test
    @org.junit.jupiter.api.Timeout(10)
    void anArrayOfMoreItemsThanItsBytesCanHoldFailsAtOnce() {
        Schema nulls = new Schema.Parser()
                .parse("{\"type\": \"record\", \"name\": \"Nulls\", \"fields\": "
                        + "[{\"name\": \"n\", \"type\": {\"type\": \"array\", \"items\": \"null\"}}]}");
        RecordCodec codec = RecordCodec.of(
                org.apache.pulsar.client.api.Schema.generic(org.apache.pulsar.common.schema.SchemaInfo.builder()
                        .name("nulls")
                        .type(org.apache.pulsar.common.schema.SchemaType.AVRO)
                        .schema(nulls.toString().getBytes(StandardCharsets.UTF_8))
                        .build()));
        // zigzag 2,000,000,000 = 4,000,000,000: 0x80 0xD0 0xAC 0xF3 0x0E, then the end of the array
        byte[] hostile = {(byte) 0x80, (byte) 0xD0, (byte) 0xAC, (byte) 0xF3, 0x0E, 0};
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> codec.toJson(hostile, null));
        assertEquals("cannot read a AVRO record: more array items than the bytes can hold", e.getMessage());
        // 65,536 nulls in three bytes are still read (the allowance for items of no size)
        byte[] allowed = {(byte) 0x80, (byte) 0x80, 0x08, 0};
        String read = new String(codec.toJson(allowed, null), StandardCharsets.UTF_8);
        assertEquals("{\"n\":[" + String.join(",", java.util.Collections.nCopies(65_536, "null")) + "]}", read);
    }

    /**
     * Encodings the writer does not make but a producer may: arrays in several blocks, and blocks
     * with a negative count followed by their size in bytes. Both ways read them alike.
     */
    @Test
    void blocksOfEveryKindAreReadAsDecodingReadsThem() {
        // the record with i=1, l=2, f=1.5, d=3.5, s="x", ... as the writer makes it, its array "a" replaced below
        byte[] base = CODEC.encode(
                RecordCodec.parse(
                        "{\"i\": 1, \"l\": 2, \"d\": 3.5, \"s\": \"x\", \"a\": [7]}".getBytes(StandardCharsets.UTF_8),
                        "$"),
                "$");
        String plain = json(base, false);
        assertEquals(plain, json(base, true));
        // find the array [7]: count 1 (0x02), item 7 (0x0E), end (0x00)
        int at = -1;
        for (int k = 0; k + 2 < base.length; k++) {
            if (base[k] == 0x02 && base[k + 1] == 0x0E && base[k + 2] == 0x00) {
                at = k;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(at >= 0);
        // [7, 8] as two blocks, then as one block of count -2 with its size (2 bytes)
        for (byte[] array : new byte[][] {{0x02, 0x0E, 0x02, 0x10, 0x00}, {0x03, 0x04, 0x0E, 0x10, 0x00}}) {
            byte[] variant = new byte[base.length - 3 + array.length];
            System.arraycopy(base, 0, variant, 0, at);
            System.arraycopy(array, 0, variant, at, array.length);
            System.arraycopy(base, at + 3, variant, at + array.length, base.length - at - 3);
            String decoded = json(variant, false);
            org.junit.jupiter.api.Assertions.assertTrue(decoded.contains("\"a\":[7,8]"), decoded);
            assertEquals(decoded, json(variant, true));
        }
    }

    private static String json(byte[] data, boolean streamed) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator json = RecordCodec.JSON.createGenerator(out)) {
            if (streamed) {
                AVRO.writeStreamed(data, json);
            } else {
                AVRO.write(data, json);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return "failed: " + e;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<String> fitting() {
        Arbitrary<String> optional = Combinators.combine(Arbitraries.of(FIELDS.subList(5, 16)), Arbitraries.of(VALUES))
                .as((name, value) -> "\"" + name + "\": " + value);
        return optional.list().ofMaxSize(12).map(extra -> {
            List<String> members = new ArrayList<>(List.of("\"i\": 1", "\"l\": 2", "\"d\": 3.5", "\"s\": \"x\""));
            members.addAll(extra);
            java.util.Collections.shuffle(members, new java.util.Random(extra.hashCode()));
            return "{" + String.join(", ", members) + "}";
        });
    }

    @Test
    void aFittingRecordIsStreamedToTheTreePathsBytes() {
        String text = "{\"s\": \"ada\", \"l\": 9223372036854775807, \"i\": -5, \"d\": 0.25, \"opt\": \"o\","
                + " \"a\": [1, 2], \"m\": {\"k\": \"v\"}, \"u\": {\"x\": 3}, \"in\": {\"x\": 4, \"y\": null}}";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(CODEC.encode(RecordCodec.parse(bytes, "$"), "$"), CODEC.encode(bytes, "$"));
    }

    @Test
    void anOutputNestedTenThousandDeepIsRefusedAsTheTreePathRefusesItWithoutExhaustingTheStack() {
        AvroCodec list = new AvroCodec(new Schema.Parser()
                .parse("{\"type\": \"record\", \"name\": \"Node\", \"fields\": ["
                        + "{\"name\": \"next\", \"type\": [\"null\", \"Node\"], \"default\": null}]}"));
        String deep = "{\"next\": ".repeat(10_000) + "null" + "}".repeat(10_000);
        byte[] text = deep.getBytes(StandardCharsets.UTF_8);
        RecordEncodingException streamed = org.junit.jupiter.api.Assertions.assertThrows(
                RecordEncodingException.class, () -> list.encode(text, "$"));
        RecordEncodingException tree = org.junit.jupiter.api.Assertions.assertThrows(
                RecordEncodingException.class, () -> list.encode(RecordCodec.parse(text, "$"), "$"));
        assertEquals(tree.getMessage(), streamed.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(
                streamed.getMessage().startsWith("$: not JSON: Document nesting depth (1001) exceeds"),
                streamed.getMessage());
        // and one within the limit streams to the tree path's bytes
        String fine = "{\"next\": ".repeat(500) + "null" + "}".repeat(500);
        byte[] fineText = fine.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(list.encode(RecordCodec.parse(fineText, "$"), "$"), list.encode(fineText, "$"));
    }

    @Test
    void theEmptyTextAndAnUnknownFieldAreReportedAsTheTreePathReportsThem() {
        assertEquals("RecordEncodingException: $: not JSON: no value", outcome(new byte[0], true));
        assertSameOutcome("{\"i\": \"x\", \"zzz\": 1}");
        assertSameOutcome("{\"i\": 1, \"l\": 2, \"d\": 3, \"s\": \"x\"} trailing");
    }
}
