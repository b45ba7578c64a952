package io.pulsarwasm.function.internal.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;

/** A lone surrogate a guest's JSON escapes ({@code "\ud800"}) reaches a record as U+FFFD, never as {@code ?}. */
class WellFormedTest {

    private static JsonNode json(String text) {
        return RecordCodec.parse(text.getBytes(StandardCharsets.UTF_8), "$");
    }

    @Test
    void loneSurrogatesBecomeTheReplacementCharacterAndPairsStay() {
        assertEquals("a\uFFFDb", WellFormed.text("a\uD800b"));
        assertEquals("\uFFFD", WellFormed.text("\uDC00"));
        assertEquals("\uFFFD\uFFFD", WellFormed.text("\uDC00\uD800"));
        assertEquals("x\uD83D\uDE00\uFFFD", WellFormed.text("x\uD83D\uDE00\uD83D"));
        String fine = "plain \uD83D\uDE00 text";
        assertSame(fine, WellFormed.text(fine));
        assertSame("", WellFormed.text(""));
    }

    @Test
    void anAvroStringAndAMapKeyFromEscapedLoneSurrogatesAreWrittenAsTheReplacementCharacter() {
        Schema schema = new Schema.Parser()
                .parse(
                        "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                                + "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"}}]}");
        GenericRecord record = (GenericRecord)
                AvroJson.read(json("{\"s\":\"cut \\ud83d\",\"m\":{\"\\udc00\":\"\\ud800x\"}}"), schema, "$");
        assertEquals("cut \uFFFD", record.get("s").toString());
        assertEquals(Map.of("\uFFFD", "\uFFFDx"), record.get("m"));
    }

    @Test
    void aStringSchemaValueFromAnEscapedLoneSurrogateIsEncodedAsTheReplacementCharacter() {
        byte[] encoded = PrimitiveCodec.of(SchemaType.STRING).encode(json("\"a\\ud800\""), "$");
        assertArrayEquals("a\uFFFD".getBytes(StandardCharsets.UTF_8), encoded);
    }
}
