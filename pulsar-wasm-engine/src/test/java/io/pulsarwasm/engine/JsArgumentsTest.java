package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JavaScript bridge's arguments as the host reads them, including counts no prelude would send. */
class JsArgumentsTest {

    private static JsArguments publish(String... fields) {
        return new JsArguments(
                HostImport.PUBLISH,
                "ctx.publish",
                Arrays.asList(fields),
                new ValueLimits(Limits.DEFAULTS),
                new JsStreams(1024));
    }

    @Test
    void aPublishReadsItsTopicValueKeyAndProperties() {
        JsArguments arguments = publish("t", "t", "v", "k", "1", "p", "q");
        assertEquals("t", arguments.text(0));
        assertEquals("v", new String(arguments.bytes(1), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("k", arguments.optionalText(2));
        assertEquals(Map.of("p", "q"), arguments.map(3));
    }

    @Test
    void noKeyAndNoPropertiesAreAbsentAndEmpty() {
        JsArguments arguments = publish("t", "t", "", null, "0");
        assertEquals(null, arguments.optionalText(2));
        assertEquals(Map.of(), arguments.map(3));
        assertEquals(0, arguments.bytes(1).length);
    }

    @Test
    void aMapCountBeyondItsFieldsIsRefusedNamingIt() {
        for (String count : List.of("2", "-1", "4611686018427387904", "9223372036854775807")) {
            AbiViolationException refused =
                    assertThrows(AbiViolationException.class, () -> publish("t", "t", "v", "k", count, "p", "q"));
            assertEquals("ctx.publish: a map of " + count + " entries in 2 fields", refused.getMessage());
        }
    }
}
