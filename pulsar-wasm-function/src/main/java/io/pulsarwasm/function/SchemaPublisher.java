package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A host that can send a value in a schema of its own (Pulsar's), not only bytes. */
interface SchemaPublisher {

    /**
     * Sends a value encoded for a topic's schema.
     *
     * @param topic the topic
     * @param encoded the value and the schema that sends it
     * @param key the message key, or null
     * @param properties the message properties
     * @return completes when the message is stored
     */
    CompletableFuture<?> publish(String topic, Encoded encoded, String key, Map<String, String> properties);
}
