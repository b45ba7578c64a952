package io.pulsarwasm.it;

import io.pulsarwasm.schema.Int64Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;

/** Deploying, feeding and draining Long functions on topics that use {@code Schema.INT64}. */
public final class LongFunctions {

    /** The schema class the NARs ship for INT64 topics (see README, "Schema.INT64"). */
    public static final String INT64_SCHEMA = Int64Schema.class.getName();

    private LongFunctions() {}

    /**
     * A function config reading and writing {@code Schema.INT64} topics in {@code public/default},
     * from the earliest message.
     *
     * @param name function name
     * @param className the function class inside the NAR
     * @param input input topic
     * @param output output topic
     * @param userConfig user config, e.g. {@code wasm.module}
     * @return the config
     */
    public static FunctionConfig config(String name, String className, String input, String output,
            Map<String, Object> userConfig) {
        return FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(className)
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputSpecs(Map.of(input, ConsumerConfig.builder().schemaType(INT64_SCHEMA).build()))
                .output(output)
                .outputSchemaType(INT64_SCHEMA)
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(userConfig)
                .build();
    }

    /**
     * Deletes a function and the package its NAR was stored as, so that the name can be used
     * again: Pulsar 4.0.8 standalone keeps {@code function://tenant/ns/name@0} otherwise
     * (apache/pulsar#20930). Missing ones are fine.
     *
     * @param admin the admin client
     * @param name function name in {@code public/default}
     */
    public static void delete(PulsarAdmin admin, String name) throws PulsarAdminException {
        try {
            admin.functions().deleteFunction("public", "default", name);
        } catch (PulsarAdminException.NotFoundException e) {
            // not deployed
        }
        String kept = "function://public/default/" + name + "@0";
        try {
            admin.packages().getMetadata(kept);
        } catch (PulsarAdminException.NotFoundException e) {
            return; // deleting a missing package fails with HTTP 500, so look first
        }
        admin.packages().delete(kept);
    }

    /**
     * Sends values with {@code Schema.INT64}, each with the key chosen for it, and waits until all are stored.
     *
     * @param client the client
     * @param topic where to send
     * @param values what to send, in order
     * @param key the message key for a value
     */
    public static void produce(PulsarClient client, String topic, List<Long> values, LongFunction<String> key)
            throws PulsarClientException {
        try (Producer<Long> producer = client.newProducer(Schema.INT64).topic(topic).enableBatching(true).create()) {
            for (long value : values) {
                producer.newMessage().key(key.apply(value)).value(value).sendAsync();
            }
            producer.flush();
        }
    }

    /**
     * Subscribes to a topic from its earliest message with {@code Schema.INT64}.
     *
     * @param client the client
     * @param topic the topic
     * @return the consumer
     */
    public static Consumer<Long> subscribe(PulsarClient client, String topic) throws PulsarClientException {
        return client.newConsumer(Schema.INT64)
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
     * @return the messages in arrival order
     * @throws IllegalStateException if fewer arrive in time, or more than {@code count}
     */
    public static List<Message<Long>> receive(Consumer<Long> consumer, int count, Duration timeout)
            throws PulsarClientException {
        List<Message<Long>> messages = new ArrayList<>();
        while (messages.size() < count) {
            Message<Long> message = consumer.receive((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IllegalStateException("received " + messages.size() + " of " + count
                        + " messages; none more within " + timeout);
            }
            consumer.acknowledge(message);
            messages.add(message);
        }
        Message<Long> extra = consumer.receive(2, TimeUnit.SECONDS);
        if (extra != null) {
            throw new IllegalStateException("received more than " + count + " messages: extra value " + extra.getValue());
        }
        return messages;
    }
}
