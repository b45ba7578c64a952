package io.pulsarwasm.function.internal.record;

import org.apache.pulsar.client.api.Schema;

/**
 * A value ready to send: what a producer takes ({@code byte[]}, or a {@code KeyValue<byte[], byte[]>})
 * and the schema that sends it.
 *
 * @param value the value
 * @param schema its schema
 */
public record Encoded(Object value, Schema<?> schema) {}
