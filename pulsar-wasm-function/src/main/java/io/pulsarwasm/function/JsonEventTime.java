package io.pulsarwasm.function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The event time in a message's value, for event-time windows with {@code wasm.window.time} {@code
 * json} ({@link EventTimeWindows}): the value is a JSON object whose top-level {@code "eventTime"}
 * member is a whole number of epoch milliseconds ({@code 1733570130000}) or an ISO-8601 date-time
 * with its offset ({@code "2024-12-07T11:15:30Z"}, {@code "2024-12-07T12:15:30.250+01:00"}).
 *
 * <p>A value without a valid time is refused with an {@link IllegalArgumentException} naming what
 * was wrong and where; the function fails the message, so Pulsar delivers it again and dead-letters
 * it after {@code --max-message-retries}. The value is read as a stream, once, to its end (two
 * {@code "eventTime"} members, or text after the object, are refused as ambiguous), within
 * Jackson's nesting limit.
 *
 * <p>Not a Pulsar {@code TimestampExtractor}: Pulsar 4.0.8's worker loads a function's extractor
 * through the function's class loader, which cannot see the worker's {@code TimestampExtractor}
 * (apache/pulsar#18719), so no function package can bring one.
 */
final class JsonEventTime {

    /** The member read: {@value}. */
    static final String MEMBER = "eventTime";

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonEventTime() {}

    /**
     * Reads the event time in one message's value.
     *
     * @param value the message's value: UTF-8 JSON bytes, or a JSON string
     * @return the event time, epoch milliseconds
     * @throws IllegalArgumentException when the value is absent, not one JSON object, or has no
     *     valid {@code "eventTime"} member, or more than one
     */
    static long read(Object value) {
        byte[] bytes;
        if (value instanceof byte[] b) {
            bytes = b;
        } else if (value instanceof String s) {
            bytes = s.getBytes(StandardCharsets.UTF_8);
        } else if (value == null) {
            throw refused("the message has no value");
        } else {
            throw refused("the value is a " + value.getClass().getName() + ", not JSON bytes or text");
        }
        JsonLocation parserLocation = JsonLocation.NA;
        try (JsonParser parser = JSON.createParser(bytes)) {
            try {
                return readObject(parser);
            } finally {
                parserLocation = parser.currentLocation();
            }
        } catch (JsonProcessingException malformed) {
            // a limit's exception (nesting too deep) has no location of its own
            JsonLocation where = malformed.getLocation() != null ? malformed.getLocation() : parserLocation;
            throw refused("the value's JSON is refused at byte " + where.getByteOffset() + ": "
                    + malformed.getOriginalMessage());
        } catch (IOException impossible) { // the bytes are in memory
            throw refused("the value could not be read: " + impossible.getMessage());
        }
    }

    private static long readObject(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw refused("the value is not a JSON object");
        }
        Long time = null;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken member = parser.nextToken();
            if (!MEMBER.equals(name)) {
                parser.skipChildren();
            } else if (time != null) {
                throw refused("the object has \"" + MEMBER + "\" twice");
            } else {
                time = time(parser, member);
            }
        }
        if (parser.nextToken() != null) {
            throw refused("the value has more after its object, at byte "
                    + parser.currentTokenLocation().getByteOffset());
        }
        if (time == null) {
            throw refused("the object has no top-level \"" + MEMBER + "\" member");
        }
        return time;
    }

    private static long time(JsonParser parser, JsonToken member) throws IOException {
        if (member == JsonToken.VALUE_NUMBER_INT) {
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw refused("\"" + MEMBER + "\" " + parser.getText() + " is out of range for epoch milliseconds");
            }
            return parser.getLongValue();
        }
        if (member == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw refused("\"" + MEMBER + "\" \"" + printable(text)
                        + "\" is not an ISO-8601 date-time with an offset (such as 2024-12-07T11:15:30Z)");
            }
        }
        if (member == JsonToken.VALUE_NUMBER_FLOAT) {
            throw refused("\"" + MEMBER + "\" " + parser.getText() + " is not a whole number of milliseconds");
        }
        throw refused("\"" + MEMBER + "\" is " + kind(member) + ", not epoch milliseconds or an ISO-8601 text");
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> "null";
        };
    }

    /** At most 64 characters of a guest-supplied text, control characters replaced. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static IllegalArgumentException refused(String why) {
        return new IllegalArgumentException("no event time: " + why);
    }
}
