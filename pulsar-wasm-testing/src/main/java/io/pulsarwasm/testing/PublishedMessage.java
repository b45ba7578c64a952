package io.pulsarwasm.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message a guest published, as {@link InMemoryHost} captured it.
 *
 * @param topic the destination topic
 * @param key the message key, or null
 * @param properties the message properties (empty if none)
 * @param value the value
 */
public record PublishedMessage(String topic, String key, Map<String, String> properties, byte[] value) {

    /** @return the value as UTF-8 text */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
