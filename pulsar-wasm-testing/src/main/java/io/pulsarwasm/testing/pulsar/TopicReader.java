package io.pulsarwasm.testing.pulsar;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/**
 * A topic read from its earliest message, through a subscription of its own, for asserting a function's outputs exactly: {@link #take}
 * returns a known number of values in order, {@link #assertNoMore} checks that nothing follows.
 *
 * @param <T> the value type
 */
public final class TopicReader<T> implements AutoCloseable {

    private final Consumer<T> consumer;

    private TopicReader(Consumer<T> consumer) {
        this.consumer = consumer;
    }

    static <T> TopicReader<T> subscribe(PulsarClient client, String topic, Schema<T> schema) {
        try {
            return new TopicReader<>(client.newConsumer(schema)
                    .topic(topic)
                    .subscriptionName("pulsar-wasm-test-" + UUID.randomUUID())
                    .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                    .subscribe());
        } catch (PulsarClientException e) {
            throw new IllegalStateException("subscribing to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Receives exactly {@code count} messages, acknowledging each.
     *
     * @param count how many
     * @param timeout how long to wait for each
     * @return their values, in order
     * @throws AssertionError if fewer arrive in time, naming what did
     */
    public List<T> take(int count, Duration timeout) {
        return values(messages(count, timeout));
    }

    /**
     * Receives exactly {@code count} messages, acknowledging each, with their keys and properties.
     *
     * @param count how many
     * @param timeout how long to wait for each
     * @return the messages, in order
     * @throws AssertionError if fewer arrive in time, naming what did
     */
    public List<Message<T>> messages(int count, Duration timeout) {
        List<Message<T>> messages = new ArrayList<>();
        while (messages.size() < count) {
            Message<T> message = receive(timeout);
            if (message == null) {
                throw new AssertionError("received " + messages.size() + " of " + count + " messages from "
                        + consumer.getTopic() + " (" + values(messages) + "); none more within " + timeout);
            }
            messages.add(message);
        }
        return messages;
    }

    /**
     * Checks that no further message arrives for a while.
     *
     * @param wait how long to wait
     * @throws AssertionError naming the value if one arrives
     */
    public void assertNoMore(Duration wait) {
        Message<T> extra = receive(wait);
        if (extra != null) {
            throw new AssertionError("unexpected message on " + consumer.getTopic() + ": " + extra.getValue());
        }
    }

    private Message<T> receive(Duration timeout) {
        try {
            Message<T> message = consumer.receive((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message != null) {
                consumer.acknowledge(message);
            }
            return message;
        } catch (PulsarClientException e) {
            throw new IllegalStateException("receiving from " + consumer.getTopic() + ": " + e.getMessage(), e);
        }
    }

    private static <T> List<T> values(List<Message<T>> messages) {
        return messages.stream().map(Message::getValue).toList();
    }

    /** Removes the reader's subscription (each reader has its own) and closes its consumer. */
    @Override
    public void close() {
        try {
            consumer.unsubscribe();
        } catch (PulsarClientException e) {
            // closing anyway
        }
        try {
            consumer.close();
        } catch (PulsarClientException e) {
            // closing anyway
        }
    }
}
