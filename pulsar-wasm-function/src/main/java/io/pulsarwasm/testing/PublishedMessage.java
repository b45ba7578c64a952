package io.pulsarwasm.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message a function published through its context, as {@link InMemoryContext} captured it.
 *
 * @param topic the destination topic
 * @param key the message key, or null
 * @param properties the message properties (empty if none)
 * @param value the value as published ({@code byte[]} for wasm guests)
 */
public record PublishedMessage(String topic, String key, Map<String, String> properties, Object value) {

    /** @return the value as UTF-8 text; the value must be a {@code byte[]} or a {@code String} */
    public String text() {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) value;
    }
}
