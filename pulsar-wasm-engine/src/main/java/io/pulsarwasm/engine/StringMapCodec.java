package io.pulsarwasm.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ABI's encoding of a string map (message properties): a little-endian u32 count, then per
 * entry a u32 key length, the UTF-8 key, a u32 value length and the UTF-8 value.
 */
final class StringMapCodec {

    private StringMapCodec() {}

    public static byte[] encode(Map<String, String> map) {
        int size = 4;
        Map<byte[], byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : map.entrySet()) {
            byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
            encoded.put(key, value);
            size += 8 + key.length + value.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(map.size());
        encoded.forEach((key, value) ->
                buffer.putInt(key.length).put(key).putInt(value.length).put(value));
        return buffer.array();
    }

    /** Decodes a map; {@code call} names the host call for the error when the bytes are not a valid encoding. */
    public static Map<String, String> decode(byte[] bytes, String call) {
        if (bytes.length == 0) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int count = buffer.getInt();
            for (int i = 0; i < count; i++) {
                String key = utf8(buffer, call);
                map.put(key, utf8(buffer, call));
            }
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new AbiViolationException(
                    call + ": properties are not a valid string map encoding (" + bytes.length + " bytes)");
        }
        if (buffer.hasRemaining()) {
            throw new AbiViolationException(
                    call + ": properties have " + buffer.remaining() + " bytes after the last entry");
        }
        return map;
    }

    private static String utf8(ByteBuffer buffer, String call) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("length " + length);
        }
        byte[] text = new byte[length];
        buffer.get(text);
        return GuestMemory.decodeUtf8(text, call, "the bytes of a property");
    }
}
