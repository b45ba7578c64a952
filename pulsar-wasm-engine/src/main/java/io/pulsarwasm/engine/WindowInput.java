package io.pulsarwasm.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ABI's window input: what a window function's guest receives through the bytes entry point,
 * once per window, in place of one message's value ({@code docs/abi.md}, "Window input").
 *
 * <p>All integers little-endian: the magic {@code PWIN}, a u32 record count, then per record a u32
 * of flags (bit 0 a key, bit 1 an event time, bit 2 a message id, bit 3 a topic), the key (u32
 * length, UTF-8) if any, the event time (i64 milliseconds) if any, the message id (u32 length,
 * bytes) if any, the topic (u32 length, UTF-8) if any, the properties (a u32 count, then a u32
 * length and UTF-8 text for each name and each value) and the value (u32 length, bytes).
 *
 * <p>A window is bounded twice before anything is encoded: by its number of records ({@link
 * Limit#MAX_WINDOW_RECORDS}) and by the size of its encoding ({@link Limit#MAX_WINDOW_BYTES}).
 *
 * <p>Over 300 lines because it is the window's encoding both ways (the host's encoder, and the
 * decoder its tests read it back with), kept in one place so that the two cannot drift.
 */
public final class WindowInput {

    /** The first four bytes of every window input, {@code PWIN}, read as a little-endian u32. */
    public static final int MAGIC = 0x4E495750;
    /** The bytes of a window input before its records: the magic and the record count. */
    public static final int HEADER_BYTES = 8;

    static final int KEY = 1;
    static final int EVENT_TIME = 2;
    static final int MESSAGE_ID = 4;
    static final int TOPIC = 8;

    /**
     * One record of a window, as the guest receives it.
     *
     * @param value the record's value; never null (a record without a value has no bytes)
     * @param key its key, if it has one
     * @param eventTime its event time in milliseconds, if it has one
     * @param messageId its message id in Pulsar's serialized form, if it has one
     * @param topic the topic it came from, if known
     * @param properties its properties (none when empty)
     */
    public record Entry(
            byte[] value,
            Optional<String> key,
            OptionalLong eventTime,
            Optional<byte[]> messageId,
            Optional<String> topic,
            Map<String, String> properties) {

        /**
         * Checks that no part is null.
         *
         * @throws NullPointerException naming the part that is
         */
        public Entry {
            java.util.Objects.requireNonNull(value, "value");
            java.util.Objects.requireNonNull(key, "key");
            java.util.Objects.requireNonNull(eventTime, "eventTime");
            java.util.Objects.requireNonNull(messageId, "messageId");
            java.util.Objects.requireNonNull(topic, "topic");
            java.util.Objects.requireNonNull(properties, "properties");
        }
    }

    private WindowInput() {}

    /**
     * Encodes a window, refusing one over the limits before it allocates its encoding.
     *
     * @param entries the window's records, oldest first
     * @param limits the limits in force
     * @return the encoding
     * @throws IllegalArgumentException naming the limit and its user config key, when the window is over one
     */
    public static byte[] encode(List<Entry> entries, Limits limits) {
        long maxRecords = limits.get(Limit.MAX_WINDOW_RECORDS);
        if (entries.size() > maxRecords) {
            throw new IllegalArgumentException("a window of " + entries.size() + " records is more than "
                    + limits.limitOf(Limit.MAX_WINDOW_RECORDS) + "; nothing was passed to the guest");
        }
        long maxBytes = limits.get(Limit.MAX_WINDOW_BYTES);
        List<byte[][]> parts = new ArrayList<>(entries.size());
        long size = HEADER_BYTES;
        for (Entry entry : entries) {
            byte[][] encoded = parts(entry);
            size += sizeOf(entry, encoded);
            if (size > maxBytes) {
                throw new IllegalArgumentException("a window of " + entries.size()
                        + " records takes more than " + limits.limitOf(Limit.MAX_WINDOW_BYTES)
                        + " (over it by record " + (parts.size() + 1) + "); nothing was passed to the guest");
            }
            parts.add(encoded);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC).putInt(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            write(buffer, entries.get(i), parts.get(i));
        }
        return buffer.array();
    }

    /**
     * The bytes one record takes in a window input: what a window's records add up to, with {@link
     * #HEADER_BYTES} for the window's own header, against {@code wasm.max-window-bytes}.
     *
     * @param entry the record
     * @return its size in the encoding
     */
    public static long sizeOf(Entry entry) {
        return sizeOf(entry, parts(entry));
    }

    private static long sizeOf(Entry entry, byte[][] encoded) {
        return 4 + 4L * encoded.length + lengthOf(encoded) + (entry.eventTime().isPresent() ? 8 : 0);
    }

    /**
     * The length-prefixed parts of one record, in their order: the key, the message id, the topic
     * (each only if present), the property count as an empty array of that length, each property's
     * name and value, and the value.
     */
    private static byte[][] parts(Entry entry) {
        List<byte[]> parts = new ArrayList<>();
        entry.key().ifPresent(key -> parts.add(key.getBytes(StandardCharsets.UTF_8)));
        entry.messageId().ifPresent(parts::add);
        entry.topic().ifPresent(topic -> parts.add(topic.getBytes(StandardCharsets.UTF_8)));
        parts.add(new byte[0]);
        for (Map.Entry<String, String> property : entry.properties().entrySet()) {
            parts.add(property.getKey().getBytes(StandardCharsets.UTF_8));
            parts.add(property.getValue().getBytes(StandardCharsets.UTF_8));
        }
        parts.add(entry.value());
        return parts.toArray(new byte[0][]);
    }

    private static long lengthOf(byte[][] parts) {
        long length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        return length;
    }

    private static void write(ByteBuffer buffer, Entry entry, byte[][] parts) {
        int flags = (entry.key().isPresent() ? KEY : 0)
                | (entry.eventTime().isPresent() ? EVENT_TIME : 0)
                | (entry.messageId().isPresent() ? MESSAGE_ID : 0)
                | (entry.topic().isPresent() ? TOPIC : 0);
        buffer.putInt(flags);
        int next = 0;
        if (entry.key().isPresent()) {
            putBytes(buffer, parts[next++]);
        }
        if (entry.eventTime().isPresent()) {
            buffer.putLong(entry.eventTime().getAsLong());
        }
        if (entry.messageId().isPresent()) {
            putBytes(buffer, parts[next++]);
        }
        if (entry.topic().isPresent()) {
            putBytes(buffer, parts[next++]);
        }
        next++; // the property count's place
        buffer.putInt(entry.properties().size());
        for (int i = 0; i < entry.properties().size() * 2; i++) {
            putBytes(buffer, parts[next++]);
        }
        putBytes(buffer, parts[next]);
    }

    /**
     * Decodes a window input.
     *
     * @param window the encoding
     * @return its records, oldest first
     * @throws IllegalArgumentException naming what is malformed and where
     */
    static List<Entry> decode(byte[] window) {
        ByteBuffer in = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a window input: it does not start with PWIN");
            }
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 12) {
                throw new IllegalArgumentException("not a window input: " + Integer.toUnsignedString(count)
                        + " records cannot fit in " + in.remaining() + " bytes");
            }
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int flags = in.getInt();
                Optional<String> key = (flags & KEY) != 0 ? Optional.of(text(in)) : Optional.empty();
                OptionalLong eventTime =
                        (flags & EVENT_TIME) != 0 ? OptionalLong.of(in.getLong()) : OptionalLong.empty();
                Optional<byte[]> messageId = (flags & MESSAGE_ID) != 0 ? Optional.of(bytes(in)) : Optional.empty();
                Optional<String> topic = (flags & TOPIC) != 0 ? Optional.of(text(in)) : Optional.empty();
                int properties = in.getInt();
                Map<String, String> map = new java.util.LinkedHashMap<>();
                for (int p = 0; p < properties; p++) {
                    map.put(text(in), text(in));
                }
                entries.add(new Entry(bytes(in), key, eventTime, messageId, topic, map));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(
                        "not a window input: " + in.remaining() + " bytes follow its " + count + " records");
            }
            return entries;
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("not a window input: cut short at byte " + in.position(), e);
        }
    }

    /**
     * A window input as a JavaScript window function's {@code process} receives it, as JSON text
     * ({@link JsInput#WINDOW}): an array of {@code {"text", "key", "eventTime", "messageId",
     * "topic", "properties"}}, with {@code "bytes"} (the value's bytes as numbers) when the value is
     * not UTF-8. Parsed by the JavaScript engine's own {@code JSON.parse}, which is many times
     * faster than reading the bytes in interpreted JavaScript.
     *
     * @param window the encoding
     * @return the JSON text, UTF-8
     */
    static byte[] json(byte[] window) {
        StringBuilder out = new StringBuilder(window.length * 2 + 16).append('[');
        List<Entry> entries = decode(window);
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            out.append(i == 0 ? "{\"text\":" : ",{\"text\":");
            String text;
            boolean utf8 = true;
            try {
                text = Abi.strictUtf8(entry.value());
            } catch (java.nio.charset.CharacterCodingException e) {
                text = new String(entry.value(), StandardCharsets.UTF_8);
                utf8 = false;
            }
            quote(out, text);
            if (!utf8) {
                out.append(",\"bytes\":[");
                for (int b = 0; b < entry.value().length; b++) {
                    out.append(b == 0 ? "" : ",").append(entry.value()[b] & 0xff);
                }
                out.append(']');
            }
            out.append(",\"key\":");
            quoteOrNull(out, entry.key().orElse(null));
            out.append(",\"eventTime\":");
            if (entry.eventTime().isPresent()) {
                out.append(entry.eventTime().getAsLong());
            } else {
                out.append("null");
            }
            out.append(",\"messageId\":");
            quoteOrNull(
                    out,
                    entry.messageId().map(java.util.HexFormat.of()::formatHex).orElse(null));
            out.append(",\"topic\":");
            quoteOrNull(out, entry.topic().orElse(null));
            out.append(",\"properties\":{");
            boolean first = true;
            for (Map.Entry<String, String> property : entry.properties().entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                quote(out, property.getKey());
                out.append(':');
                quote(out, property.getValue());
            }
            out.append("}}");
        }
        return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void quoteOrNull(StringBuilder out, String text) {
        if (text == null) {
            out.append("null");
        } else {
            quote(out, text);
        }
    }

    /** A JSON string: quote, backslash and the control characters escaped, everything else as it is. */
    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IndexOutOfBoundsException();
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes.length).put(bytes);
    }
}
