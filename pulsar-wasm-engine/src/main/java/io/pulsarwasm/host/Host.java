package io.pulsarwasm.host;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The guest's view of its world: what the engine's host functions (imports under module
 * {@code pulsar}) ask for. A front-end implements it once — over Pulsar's {@code Context} in a
 * function instance, in memory in the tester — and the engine knows nothing else of it.
 *
 * <p>Methods about "the record" refer to the message being processed; outside {@code process}
 * they answer absent. Writes return futures: the engine completes a message's outcome only once
 * every write the guest made while processing it is stored, and fails it when one fails. Reads
 * return futures too, which the engine waits for under the guest's deadline. A host serves one
 * guest instance and is called from the thread that calls the guest.
 */
public interface Host {

    /**
     * Writes a line to the function's log.
     *
     * @param level the level the guest chose
     * @param line the text
     */
    void log(LogLevel level, String line);

    /**
     * A user config value, as text (whole JSON numbers without a fraction).
     *
     * @param key the key
     * @return the value, or empty if unset
     */
    Optional<String> config(String key);

    /**
     * A secret, as the function's secrets provider resolves it.
     *
     * @param name the secret's name
     * @return the value, or empty if there is none
     */
    Optional<String> secret(String name);

    /** @return the record's key, if it has one */
    Optional<String> key();

    /** @return the topic the record came from, if known */
    Optional<String> topic();

    /** @return the record's properties (empty if none) */
    Map<String, String> properties();

    /** @return the record's event time in epoch milliseconds, if it has one */
    OptionalLong eventTime();

    /** @return the record's message id in Pulsar's serialized form, if it has one */
    Optional<byte[]> messageId();

    /**
     * The record's schema, described as JSON text: its type, name, version and definition (the
     * form is the front-end's; {@code pip/pip-331.md} documents Pulsar's).
     *
     * @return the description, or empty outside a record
     */
    Optional<String> schema();

    /** @return the function's tenant */
    String tenant();

    /** @return the function's namespace */
    String namespace();

    /** @return the function's name */
    String functionName();

    /** @return this instance's index, from 0 */
    int instanceId();

    /** @return the function's parallelism */
    int numInstances();

    /**
     * How many times Pulsar delivered the current message before this delivery: 0 the first time,
     * more once it was redelivered (a failed message retried, an acknowledgement timed out). Pulsar
     * counts redeliveries on Shared and Key_Shared subscriptions, which Pulsar Functions use unless
     * they retain ordering.
     *
     * @return the count; 0 outside a message, and for a host that does not know it
     */
    default int redeliveryCount() {
        return 0;
    }

    /**
     * Reads a state value.
     *
     * @param key the state key
     * @return the value, empty if there is none
     */
    CompletableFuture<Optional<byte[]>> stateGet(String key);

    /**
     * Stores a state value.
     *
     * @param key the state key
     * @param value the value
     * @return completes when stored
     */
    CompletableFuture<Void> statePut(String key, byte[] value);

    /**
     * Deletes a state value.
     *
     * @param key the state key
     * @return completes when deleted
     */
    CompletableFuture<Void> stateDelete(String key);

    /**
     * Adds to a counter.
     *
     * @param key the counter
     * @param amount what to add (may be negative)
     * @return completes when stored
     */
    CompletableFuture<Void> counterIncr(String key, long amount);

    /**
     * Reads a counter.
     *
     * @param key the counter
     * @return its value, 0 if never incremented
     */
    CompletableFuture<Long> counterGet(String key);

    /**
     * Publishes a message to a topic.
     *
     * @param topic the destination
     * @param value the value
     * @param key the message key, or null for none
     * @param properties the message properties (empty for none)
     * @return completes, with any value, when the message is stored (Pulsar's {@code sendAsync}
     *     future as it is, for instance); fails when it cannot be
     */
    CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties);

    /**
     * Records a value of a user metric.
     *
     * @param name the metric
     * @param value the value
     */
    void recordMetric(String name, double value);
}
