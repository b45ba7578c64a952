package io.pulsarwasm.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/** Reading a topic exactly: subscribe from the start, receive a known count, and no more. */
public final class Messages {

    private Messages() {}

    /**
     * Subscribes to a topic from its earliest message.
     *
     * @param client the client
     * @param topic the topic
     * @param schema the value schema
     * @param <T> the value type
     * @return the consumer
     */
    public static <T> Consumer<T> subscribe(PulsarClient client, String topic, Schema<T> schema)
            throws PulsarClientException {
        return client.newConsumer(schema)
                .topic(topic)
                .subscriptionName("verify")
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .subscribe();
    }

    /**
     * Receives exactly {@code count} messages, then checks that no more arrive for a moment.
     *
     * @param consumer the consumer
     * @param count how many messages are expected
     * @param timeout how long to wait for each
     * @param <T> the value type
     * @return the messages in arrival order
     * @throws IllegalStateException if fewer arrive in time, or more than {@code count}
     */
    public static <T> List<Message<T>> receive(Consumer<T> consumer, int count, Duration timeout)
            throws PulsarClientException {
        List<Message<T>> messages = new ArrayList<>();
        while (messages.size() < count) {
            Message<T> message = consumer.receive((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IllegalStateException("received " + messages.size() + " of " + count + " messages from "
                        + consumer.getTopic() + "; none more within " + timeout);
            }
            consumer.acknowledge(message);
            messages.add(message);
        }
        Message<T> extra = consumer.receive(2, TimeUnit.SECONDS);
        if (extra != null) {
            throw new IllegalStateException("received more than " + count + " messages from " + consumer.getTopic()
                    + ": extra value " + extra.getValue());
        }
        return messages;
    }

    /**
     * The values of messages, in order.
     *
     * @param messages the messages
     * @param <T> the value type
     * @return their values
     */
    public static <T> List<T> values(List<Message<T>> messages) {
        return messages.stream().map(Message::getValue).toList();
    }
}
