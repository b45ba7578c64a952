package io.pulsarwasm.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.functions.api.Record;

/**
 * An input record for {@link WasmFunctionTester}: a value with the metadata a guest can read
 * (key, topic, properties, event time). Immutable; the {@code with} methods return copies.
 *
 * @param <T> the value type
 */
public final class TestRecord<T> implements Record<T> {

    private final T value;
    private final String key;
    private final String topic;
    private final Map<String, String> properties;
    private final Long eventTime;

    private TestRecord(T value, String key, String topic, Map<String, String> properties, Long eventTime) {
        this.value = value;
        this.key = key;
        this.topic = topic;
        this.properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.eventTime = eventTime;
    }

    /**
     * A record with a value, from topic {@value WasmFunctionTester#INPUT_TOPIC}, no key, no properties.
     *
     * @param value the value
     * @param <T> the value type
     * @return the record
     */
    public static <T> TestRecord<T> of(T value) {
        return new TestRecord<>(value, null, WasmFunctionTester.INPUT_TOPIC, Map.of(), null);
    }

    /** @param key the message key @return a copy with that key */
    public TestRecord<T> withKey(String key) {
        return new TestRecord<>(value, key, topic, properties, eventTime);
    }

    /** @param topic the input topic @return a copy from that topic */
    public TestRecord<T> withTopic(String topic) {
        return new TestRecord<>(value, key, topic, properties, eventTime);
    }

    /** @param name property name @param propertyValue property value @return a copy with the property added */
    public TestRecord<T> withProperty(String name, String propertyValue) {
        Map<String, String> more = new LinkedHashMap<>(properties);
        more.put(name, propertyValue);
        return new TestRecord<>(value, key, topic, more, eventTime);
    }

    /** @param millis event time in epoch milliseconds @return a copy with that event time */
    public TestRecord<T> withEventTime(long millis) {
        return new TestRecord<>(value, key, topic, properties, millis);
    }

    @Override
    public T getValue() {
        return value;
    }

    @Override
    public Optional<String> getKey() {
        return Optional.ofNullable(key);
    }

    @Override
    public Optional<String> getTopicName() {
        return Optional.ofNullable(topic);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Optional<Long> getEventTime() {
        return Optional.ofNullable(eventTime);
    }
}
