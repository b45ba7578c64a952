package io.pulsarwasm.testing;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Schema;

/**
 * A {@link Host} held in memory, for running guests without a broker: user config and secrets you
 * set, state and counters in maps, and every effect recorded for assertions — published messages,
 * metric values and log lines ({@code "INFO text"}). Every write completes at once.
 *
 * <p>Function identity defaults to tenant {@code public}, namespace {@code default}, name
 * {@code test-function}, instance 0 of 1. Not thread-safe.
 *
 * <p>Over 300 lines because it implements the whole Host, each method a few lines, plus the
 * controls a test needs (failures, stalls).
 */
public final class InMemoryHost implements Host {

    /** The schema a value without one reads as: BYTES, as on a topic without a schema. */
    private static final String BYTES_SCHEMA = new RecordInput(Schema.BYTES, null, null, null).schemaJson();

    private final Map<String, Object> userConfig = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Map<String, byte[]> state = new LinkedHashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<PublishedMessage> published = new ArrayList<>();
    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();
    private final List<String> logLines = new ArrayList<>();
    private boolean stalled;
    private String tenant = "public";
    private String namespace = "default";
    private String functionName = "test-function";
    private int instanceId;
    private int numInstances = 1;
    private TestRecord<?> record;
    private RuntimeException publishFailure;
    private RuntimeException stateFailure;

    /**
     * Sets a user config value, as {@code --user-config} would.
     *
     * @param key the key
     * @param value the value (JSON numbers arrive as {@code Double})
     * @return this host
     */
    public InMemoryHost userConfig(String key, Object value) {
        userConfig.put(key, value);
        return this;
    }

    /** @return the user config as set, as Pulsar hands it to a function */
    public Map<String, Object> userConfig() {
        return Collections.unmodifiableMap(userConfig);
    }

    /**
     * Sets a secret, as the function's secrets provider would resolve it.
     *
     * @param name the secret's name
     * @param value its value
     * @return this host
     */
    public InMemoryHost secret(String name, String value) {
        secrets.put(name, value);
        return this;
    }

    /**
     * Sets the function's identity.
     *
     * @param tenant tenant
     * @param namespace namespace
     * @param name function name
     * @param instanceId this instance's id
     * @param numInstances the function's parallelism
     * @return this host
     */
    public InMemoryHost identity(String tenant, String namespace, String name, int instanceId, int numInstances) {
        this.tenant = tenant;
        this.namespace = namespace;
        this.functionName = name;
        this.instanceId = instanceId;
        this.numInstances = numInstances;
        return this;
    }

    /**
     * Sets the record the guest sees as the message being processed.
     *
     * @param record the record, or null outside a message
     */
    public void setRecord(TestRecord<?> record) {
        this.record = record;
    }

    /**
     * Makes publishes fail, as a broker refusing them would: each publish's future fails with the
     * given exception until this is called with null.
     *
     * @param failure the failure, or null to publish again
     * @return this host
     */
    public InMemoryHost failPublishes(RuntimeException failure) {
        this.publishFailure = failure;
        return this;
    }

    /**
     * Makes every state operation fail at once with this exception, as Pulsar's context does on a
     * cluster without state storage ({@code IllegalStateException: State t/ns/f is not enabled.}).
     *
     * @param failure the failure, or null for state to work again
     * @return this host
     */
    public InMemoryHost failState(RuntimeException failure) {
        this.stateFailure = failure;
        return this;
    }

    /**
     * Makes every state operation and publish hang, as a broker or state store that never answers
     * would: their futures never complete until this is called with false (which does not complete
     * the ones already handed out).
     *
     * @param stalled whether to stall
     * @return this host
     */
    public InMemoryHost stall(boolean stalled) {
        this.stalled = stalled;
        return this;
    }

    /** @return state values by key, as the guest stored them */
    public Map<String, byte[]> state() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        state.forEach((key, value) -> copy.put(key, value.clone()));
        return copy;
    }

    /** @return counter values by key */
    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(counters);
    }

    /** @return the messages the guest published, in order */
    public List<PublishedMessage> published() {
        return Collections.unmodifiableList(published);
    }

    /** @return every value recorded per metric name, in order */
    public Map<String, List<Double>> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /** @return the log lines, each {@code "LEVEL text"} */
    public List<String> logLines() {
        return Collections.unmodifiableList(logLines);
    }

    @Override
    public void log(LogLevel level, String line) {
        logLines.add(level.name() + " " + line);
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(userConfig.get(key)).map(WasmConfig::configText);
    }

    @Override
    public Optional<String> secret(String name) {
        return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public Optional<String> key() {
        return record == null ? Optional.empty() : record.key();
    }

    @Override
    public Optional<String> topic() {
        return record == null ? Optional.empty() : record.topic();
    }

    @Override
    public Map<String, String> properties() {
        return record == null ? Map.of() : record.properties();
    }

    @Override
    public OptionalLong eventTime() {
        return record == null ? OptionalLong.empty() : record.eventTime();
    }

    /** The record's schema: a {@link RecordInput}'s, else BYTES as on a topic without one. */
    @Override
    public Optional<String> schema() {
        if (record == null) {
            return Optional.empty();
        }
        return Optional.of(record.value() instanceof RecordInput input ? input.schemaJson() : BYTES_SCHEMA);
    }

    @Override
    public Optional<byte[]> messageId() {
        return record == null ? Optional.empty() : record.messageId();
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String functionName() {
        return functionName;
    }

    @Override
    public int instanceId() {
        return instanceId;
    }

    @Override
    public int numInstances() {
        return numInstances;
    }

    @Override
    public int redeliveryCount() {
        return record == null ? 0 : record.redeliveryCount();
    }

    @Override
    public CompletableFuture<Optional<byte[]>> stateGet(String key) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        if (stalled) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(
                Optional.ofNullable(state.get(key)).map(byte[]::clone));
    }

    @Override
    public CompletableFuture<Void> statePut(String key, byte[] value) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        if (stalled) {
            return new CompletableFuture<>();
        }
        state.put(key, value.clone());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> stateDelete(String key) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        if (stalled) {
            return new CompletableFuture<>();
        }
        state.remove(key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> counterIncr(String key, long amount) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        if (stalled) {
            return new CompletableFuture<>();
        }
        counters.merge(key, amount, Long::sum);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> counterGet(String key) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        if (stalled) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(counters.getOrDefault(key, 0L));
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        if (stalled) {
            return new CompletableFuture<>();
        }
        if (publishFailure != null) {
            return CompletableFuture.failedFuture(publishFailure);
        }
        published.add(new PublishedMessage(topic, key, Map.copyOf(properties), value.clone()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void recordMetric(String name, double value) {
        metrics.computeIfAbsent(name, metric -> new ArrayList<>()).add(value);
    }
}
