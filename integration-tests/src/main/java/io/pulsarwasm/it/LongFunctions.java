package io.pulsarwasm.it;

import io.pulsarwasm.schema.Int64Schema;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;

/** Deploying and feeding Long functions on topics that use {@code Schema.INT64}. */
public final class LongFunctions {

    /** The schema class the NARs ship for INT64 topics (see docs/deploying.md, "Schema.INT64 topics"). */
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
    public static FunctionConfig config(
            String name, String className, String input, String output, Map<String, Object> userConfig) {
        return FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(name)
                .className(className)
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputSpecs(Map.of(
                        input, ConsumerConfig.builder().schemaType(INT64_SCHEMA).build()))
                .output(output)
                .outputSchemaType(INT64_SCHEMA)
                .subscriptionPosition(SubscriptionInitialPosition.Earliest)
                .userConfig(userConfig)
                .build();
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
        // Key-based batches: a Key_Shared subscription (--retain-key-ordering) keeps per-key order only
        // when no batch mixes keys.
        try (Producer<Long> producer = client.newProducer(Schema.INT64)
                .topic(topic)
                .enableBatching(true)
                .batcherBuilder(BatcherBuilder.KEY_BASED)
                .create()) {
            for (long value : values) {
                producer.newMessage().key(key.apply(value)).value(value).sendAsync();
            }
            producer.flush();
        }
    }
}
