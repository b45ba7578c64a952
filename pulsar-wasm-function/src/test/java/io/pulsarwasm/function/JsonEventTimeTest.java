package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JsonEventTime: the times it reads, exact, and each refusal's text. */
@Timeout(30)
class JsonEventTimeTest {

    private static long time(String json) {
        return JsonEventTime.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(Object value) {
        return assertThrows(IllegalArgumentException.class, () -> JsonEventTime.read(value))
                .getMessage()
                .replace("no event time: ", "");
    }

    @Test
    void readsEpochMillisecondsAndIsoTimesWithAnOffset() {
        assertEquals(1_733_570_130_000L, time("{\"eventTime\": 1733570130000}"));
        assertEquals(0L, time("{\"eventTime\":0}"));
        assertEquals(-1L, time("{\"eventTime\":-1}"));
        assertEquals(Long.MAX_VALUE, time("{\"eventTime\":9223372036854775807}"));
        // 2024-12-07T11:15:30Z: 20,064 days after 1970-01-01, then 11:15:30 (worked out by hand)
        long day = 86_400_000L;
        long expected = 20_064L * day + (11 * 3600 + 15 * 60 + 30) * 1000L;
        assertEquals(expected, time("{\"eventTime\": \"2024-12-07T11:15:30Z\"}"));
        assertEquals(expected + 250, time("{\"eventTime\": \"2024-12-07T12:15:30.250+01:00\"}"));
        // the member among others, nested ones skipped (and a nested eventTime is not the top-level one)
        assertEquals(
                42L,
                time("{\"a\": {\"eventTime\": 7, \"b\": [1, {\"eventTime\": 8}]}, \"eventTime\": 42, \"c\": \"x\"}"));
        assertEquals(5L, JsonEventTime.read("  {\"eventTime\": 5}\n"));
    }

    @Test
    void refusesEachKindOfValueWithoutATimeNamingWhatIsWrong() {
        assertEquals("the message has no value", refusal(null));
        assertEquals("the value is a java.lang.Integer, not JSON bytes or text", refusal(7));
        assertEquals("the value is not a JSON object", refusal("[1]"));
        assertEquals("the value is not a JSON object", refusal("17"));
        assertEquals("the object has no top-level \"eventTime\" member", refusal("{}"));
        assertEquals("the object has no top-level \"eventTime\" member", refusal("{\"a\": {\"eventTime\": 1}}"));
        assertEquals("the object has \"eventTime\" twice", refusal("{\"eventTime\": 1, \"eventTime\": 2}"));
        assertEquals("\"eventTime\" 1.5 is not a whole number of milliseconds", refusal("{\"eventTime\": 1.5}"));
        assertEquals(
                "\"eventTime\" 9223372036854775808 is out of range for epoch milliseconds",
                refusal("{\"eventTime\": 9223372036854775808}"));
        assertEquals(
                "\"eventTime\" is null, not epoch milliseconds or an ISO-8601 text", refusal("{\"eventTime\": null}"));
        assertEquals(
                "\"eventTime\" is an object, not epoch milliseconds or an ISO-8601 text",
                refusal("{\"eventTime\": {}}"));
        assertEquals(
                "\"eventTime\" is a boolean, not epoch milliseconds or an ISO-8601 text",
                refusal("{\"eventTime\": true}"));
        assertEquals(
                "\"eventTime\" \"2024-12-07T11:15:30\" is not an ISO-8601 date-time with an offset (such as "
                        + "2024-12-07T11:15:30Z)",
                refusal("{\"eventTime\": \"2024-12-07T11:15:30\"}"));
        assertEquals(
                "\"eventTime\" \"" + "y".repeat(64) + "...\" is not an ISO-8601 date-time with an offset (such as "
                        + "2024-12-07T11:15:30Z)",
                refusal("{\"eventTime\": \"" + "y".repeat(100) + "\"}"));
        assertEquals(
                "\"eventTime\" \"a?b\" is not an ISO-8601 date-time with an offset (such as 2024-12-07T11:15:30Z)",
                refusal("{\"eventTime\": \"a\\u0007b\"}"));
        assertEquals("the value has more after its object, at byte 17", refusal("{\"eventTime\": 1} {}"));
    }

    @Test
    void malformedJsonIsRefusedWithItsPlaceNotItsText() {
        String message = refusal("{\"eventTime\": 1, \"secret\": tru}");
        assertEquals(true, message.startsWith("the value's JSON is refused at byte "), message);
        assertEquals(false, message.contains("secret"), message);
        assertEquals(true, refusal("{\"eventTime\": 1").startsWith("the value's JSON is refused at byte "));
        assertEquals(true, refusal("").startsWith("the value is not a JSON object"), refusal(""));
    }

    @Test
    void aHostileNestingIsRefusedWithinJacksonsLimitNotByTheStack() {
        String deep = "{\"eventTime\": 1, \"a\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String message = refusal(deep);
        assertEquals(true, message.startsWith("the value's JSON is refused at byte "), message);
        assertEquals(true, message.contains("nesting depth"), message);
        // and one far larger than any message, read in linear time
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 200_000; i++) {
            wide.append("\"k").append(i).append("\": [").append(i).append("], ");
        }
        wide.append("\"eventTime\": 3}");
        assertEquals(3L, time(wide.toString()));
    }
}
