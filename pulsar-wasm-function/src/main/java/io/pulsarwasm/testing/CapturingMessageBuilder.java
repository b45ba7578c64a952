package io.pulsarwasm.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/** The message builder {@link InMemoryContext#newOutputMessage} hands out: sending captures the message. */
final class CapturingMessageBuilder<T> implements TypedMessageBuilder<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final transient Consumer<PublishedMessage> sink;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private String key;
    private transient T value;

    CapturingMessageBuilder(String topic, Consumer<PublishedMessage> sink) {
        this.topic = topic;
        this.sink = sink;
    }

    @Override
    public MessageId send() {
        sink.accept(new PublishedMessage(topic, key, Map.copyOf(properties), value));
        return MessageId.latest;
    }

    @Override
    public CompletableFuture<MessageId> sendAsync() {
        return CompletableFuture.completedFuture(send());
    }

    @Override
    public TypedMessageBuilder<T> key(String key) {
        this.key = key;
        return this;
    }

    @Override
    public TypedMessageBuilder<T> keyBytes(byte[] key) {
        throw unsupported("keyBytes");
    }

    @Override
    public TypedMessageBuilder<T> orderingKey(byte[] orderingKey) {
        throw unsupported("orderingKey");
    }

    @Override
    public TypedMessageBuilder<T> value(T value) {
        this.value = value;
        return this;
    }

    @Override
    public TypedMessageBuilder<T> property(String name, String propertyValue) {
        properties.put(name, propertyValue);
        return this;
    }

    @Override
    public TypedMessageBuilder<T> properties(Map<String, String> more) {
        properties.putAll(more);
        return this;
    }

    @Override
    public TypedMessageBuilder<T> eventTime(long timestamp) {
        throw unsupported("eventTime");
    }

    @Override
    public TypedMessageBuilder<T> sequenceId(long sequenceId) {
        throw unsupported("sequenceId");
    }

    @Override
    public TypedMessageBuilder<T> replicationClusters(List<String> clusters) {
        throw unsupported("replicationClusters");
    }

    @Override
    public TypedMessageBuilder<T> disableReplication() {
        throw unsupported("disableReplication");
    }

    @Override
    public TypedMessageBuilder<T> deliverAt(long timestamp) {
        throw unsupported("deliverAt");
    }

    @Override
    public TypedMessageBuilder<T> deliverAfter(long delay, TimeUnit unit) {
        throw unsupported("deliverAfter");
    }

    @Override
    public TypedMessageBuilder<T> loadConf(Map<String, Object> config) {
        throw unsupported("loadConf");
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException("TypedMessageBuilder." + method + " is not captured by InMemoryContext");
    }
}
