package io.pulsarwasm.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An input record for {@link WasmFunctionTester}: a value with the metadata a guest can read
 * (key, topic, properties, event time, message id, redelivery count). Immutable; the {@code with} methods return copies.
 *
 * @param <T> the value type
 */
public final class TestRecord<T> {

    private final T value;
    private final String key;
    private final String topic;
    private final Map<String, String> properties;
    private final Long eventTime;
    private final byte[] messageId;
    private final int redeliveryCount;

    private TestRecord(
            T value,
            String key,
            String topic,
            Map<String, String> properties,
            Long eventTime,
            byte[] messageId,
            int redeliveryCount) {
        this.value = value;
        this.key = key;
        this.topic = topic;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.eventTime = eventTime;
        this.messageId = messageId;
        this.redeliveryCount = redeliveryCount;
    }

    /**
     * A record with a value, from topic {@value WasmFunctionTester#INPUT_TOPIC}, no key, no properties.
     *
     * @param value the value
     * @param <T> the value type
     * @return the record
     */
    public static <T> TestRecord<T> of(T value) {
        return new TestRecord<>(value, null, WasmFunctionTester.INPUT_TOPIC, Map.of(), null, null, 0);
    }

    /** @param key the message key @return a copy with that key */
    public TestRecord<T> withKey(String key) {
        return new TestRecord<>(value, key, topic, properties, eventTime, messageId, redeliveryCount);
    }

    /** @param topic the input topic @return a copy from that topic */
    public TestRecord<T> withTopic(String topic) {
        return new TestRecord<>(value, key, topic, properties, eventTime, messageId, redeliveryCount);
    }

    /** @param name property name @param propertyValue property value @return a copy with the property added */
    public TestRecord<T> withProperty(String name, String propertyValue) {
        Map<String, String> more = new LinkedHashMap<>(properties);
        more.put(name, propertyValue);
        return new TestRecord<>(value, key, topic, more, eventTime, messageId, redeliveryCount);
    }

    /** @param millis event time in epoch milliseconds @return a copy with that event time */
    public TestRecord<T> withEventTime(long millis) {
        return new TestRecord<>(value, key, topic, properties, millis, messageId, redeliveryCount);
    }

    /** @param id the message id's bytes, as Pulsar serializes it @return a copy with that message id */
    public TestRecord<T> withMessageId(byte[] id) {
        return new TestRecord<>(value, key, topic, properties, eventTime, id.clone(), redeliveryCount);
    }

    /**
     * A copy delivered this many times before, as a retried message is.
     *
     * @param count the redelivery count, at least 0
     * @return the copy
     */
    public TestRecord<T> withRedeliveryCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("a redelivery count is at least 0, got " + count);
        }
        return new TestRecord<>(value, key, topic, properties, eventTime, messageId, count);
    }

    /** @return the value */
    public T value() {
        return value;
    }

    /** @return the key, if set */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** @return the topic, if set */
    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** @return the properties */
    public Map<String, String> properties() {
        return properties;
    }

    /** @return the event time, if set */
    public OptionalLong eventTime() {
        return eventTime == null ? OptionalLong.empty() : OptionalLong.of(eventTime);
    }

    /** @return the message id, if set */
    public Optional<byte[]> messageId() {
        return Optional.ofNullable(messageId).map(byte[]::clone);
    }

    /** @return how many times the message was delivered before (0 unless set) */
    public int redeliveryCount() {
        return redeliveryCount;
    }
}
