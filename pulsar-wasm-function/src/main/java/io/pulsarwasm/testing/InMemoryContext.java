package io.pulsarwasm.testing;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.ConsumerBuilder;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.functions.api.utils.FunctionRecord;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A Pulsar {@link Context} held in memory, for running functions without a broker: user config
 * and secrets you set, state and counters in maps, and every effect recorded for assertions —
 * published messages, metric values and log lines ({@code "INFO text"}).
 *
 * <p>Function identity defaults to tenant {@code public}, namespace {@code default}, name
 * {@code test-function}, instance 0 of 1. Not thread-safe.
 */
public final class InMemoryContext implements Context {

    private final Map<String, Object> userConfig = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> state = new LinkedHashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<PublishedMessage> published = new ArrayList<>();
    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();
    private final List<String> logLines = new ArrayList<>();
    private final Logger logger = recordingLogger();
    private String tenant = "public";
    private String namespace = "default";
    private String functionName = "test-function";
    private int instanceId;
    private int numInstances = 1;
    private Record<?> currentRecord;

    /**
     * Sets a user config value, as {@code --user-config} would.
     *
     * @param key the key
     * @param value the value (JSON numbers arrive as {@code Double})
     * @return this context
     */
    public InMemoryContext userConfig(String key, Object value) {
        userConfig.put(key, value);
        return this;
    }

    /**
     * Sets a secret, as the function's secrets provider would resolve it.
     *
     * @param name the secret's name
     * @param value its value
     * @return this context
     */
    public InMemoryContext secret(String name, String value) {
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
     * @return this context
     */
    public InMemoryContext identity(String tenant, String namespace, String name, int instanceId, int numInstances) {
        this.tenant = tenant;
        this.namespace = namespace;
        this.functionName = name;
        this.instanceId = instanceId;
        this.numInstances = numInstances;
        return this;
    }

    /**
     * Sets the record {@link #getCurrentRecord()} returns, as Pulsar does before each message.
     *
     * @param record the message being processed
     */
    public void setCurrentRecord(Record<?> record) {
        this.currentRecord = record;
    }

    /** @return state values by key, as the function stored them */
    public Map<String, byte[]> state() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        state.forEach((key, value) -> copy.put(key, bytes(value)));
        return copy;
    }

    /** @return counter values by key */
    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(counters);
    }

    /** @return the messages published through this context, in order */
    public List<PublishedMessage> published() {
        return Collections.unmodifiableList(published);
    }

    /** @return every value recorded per metric name, in order */
    public Map<String, List<Double>> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /** @return the log lines, each {@code "LEVEL message"} with SLF4J placeholders filled in */
    public List<String> logLines() {
        return Collections.unmodifiableList(logLines);
    }

    @Override
    public Collection<String> getInputTopics() {
        return List.of(WasmFunctionTester.INPUT_TOPIC);
    }

    @Override
    public String getOutputTopic() {
        return WasmFunctionTester.OUTPUT_TOPIC;
    }

    @Override
    public Record<?> getCurrentRecord() {
        return currentRecord;
    }

    @Override
    public String getOutputSchemaType() {
        return null;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionId() {
        return tenant + "/" + namespace + "/" + functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "0";
    }

    @Override
    public Map<String, Object> getUserConfigMap() {
        return Collections.unmodifiableMap(userConfig);
    }

    @Override
    public Optional<Object> getUserConfigValue(String key) {
        return Optional.ofNullable(userConfig.get(key));
    }

    @Override
    public Object getUserConfigValueOrDefault(String key, Object defaultValue) {
        return userConfig.getOrDefault(key, defaultValue);
    }

    @Override
    public <X> CompletableFuture<Void> publish(String topic, X object, String schemaOrSerdeClassName) {
        return publish(topic, object);
    }

    @Override
    public <X> CompletableFuture<Void> publish(String topic, X object) {
        published.add(new PublishedMessage(topic, null, Map.of(), object));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public <X> TypedMessageBuilder<X> newOutputMessage(String topic, Schema<X> schema) {
        return new CapturingMessageBuilder<>(topic, published::add);
    }

    @Override
    public String getTenant() {
        return tenant;
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    @Override
    public int getInstanceId() {
        return instanceId;
    }

    @Override
    public int getNumInstances() {
        return numInstances;
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getSecret(String secretName) {
        return secrets.get(secretName);
    }

    @Override
    public void putState(String key, ByteBuffer value) {
        state.put(key, ByteBuffer.wrap(bytes(value)));
    }

    @Override
    public CompletableFuture<Void> putStateAsync(String key, ByteBuffer value) {
        putState(key, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public ByteBuffer getState(String key) {
        ByteBuffer value = state.get(key);
        return value == null ? null : ByteBuffer.wrap(bytes(value));
    }

    @Override
    public CompletableFuture<ByteBuffer> getStateAsync(String key) {
        return CompletableFuture.completedFuture(getState(key));
    }

    @Override
    public void deleteState(String key) {
        state.remove(key);
    }

    @Override
    public CompletableFuture<Void> deleteStateAsync(String key) {
        deleteState(key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void incrCounter(String key, long amount) {
        counters.merge(key, amount, Long::sum);
    }

    @Override
    public CompletableFuture<Void> incrCounterAsync(String key, long amount) {
        incrCounter(key, amount);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public long getCounter(String key) {
        return counters.getOrDefault(key, 0L);
    }

    @Override
    public CompletableFuture<Long> getCounterAsync(String key) {
        return CompletableFuture.completedFuture(getCounter(key));
    }

    @Override
    public void recordMetric(String metricName, double value) {
        metrics.computeIfAbsent(metricName, name -> new ArrayList<>()).add(value);
    }

    @Override
    public void fatal(Throwable t) {
        throw new IllegalStateException("the function called Context.fatal", t);
    }

    @Override
    public PulsarAdmin getPulsarAdmin() {
        throw unsupported("getPulsarAdmin");
    }

    @Override
    public <X> ConsumerBuilder<X> newConsumerBuilder(Schema<X> schema) {
        throw unsupported("newConsumerBuilder");
    }

    @Override
    public <X> FunctionRecord.FunctionRecordBuilder<X> newOutputRecordBuilder(Schema<X> schema) {
        throw unsupported("newOutputRecordBuilder");
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException("InMemoryContext has no " + method + ": it runs without a broker");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** An SLF4J logger whose every logging call becomes one {@code "LEVEL message"} line. */
    private Logger recordingLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is")) {
                        return true;
                    }
                    if (name.equals("getName")) {
                        return "function-" + functionName;
                    }
                    if (args == null || !(args[0] instanceof String pattern)) {
                        throw new UnsupportedOperationException("InMemoryContext logger: " + method);
                    }
                    Object[] arguments = args.length == 2 && args[1] instanceof Object[] array
                            ? array
                            : java.util.Arrays.copyOfRange(args, 1, args.length);
                    logLines.add(name.toUpperCase(java.util.Locale.ROOT) + " "
                            + MessageFormatter.arrayFormat(pattern, arguments).getMessage());
                    return null;
                });
    }
}
