package io.pulsarwasm.engine;

import io.pulsarwasm.host.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The engine's own test host: config, log lines, state, counters, publishes and metrics kept in
 * memory, with failures and stalls on demand, and no record of any schema (the function module's
 * records are not the engine's to know); the rest is {@link NoHost}'s. Users test with {@code
 * io.pulsarwasm.testing.InMemoryHost}.
 */
final class TestHost extends NoHost {

    /** A message a guest published. */
    record Published(String topic, String key, Map<String, String> properties, byte[] value) {
        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private final Map<String, Object> userConfig = new LinkedHashMap<>();
    private final List<String> logLines = new ArrayList<>();
    private final Map<String, byte[]> state = new LinkedHashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final List<Published> published = new ArrayList<>();
    private final Map<String, List<Double>> metrics = new LinkedHashMap<>();
    private RuntimeException stateFailure;
    private RuntimeException publishFailure;
    private boolean stalled;
    private int redeliveryCount;

    TestHost() {
        super("test");
    }

    TestHost userConfig(String key, Object value) {
        userConfig.put(key, value);
        return this;
    }

    /** Every state operation throws this at once (null: state works). */
    TestHost failState(RuntimeException failure) {
        stateFailure = failure;
        return this;
    }

    /** Every publish's future fails with this (null: publishes work). */
    TestHost failPublishes(RuntimeException failure) {
        publishFailure = failure;
        return this;
    }

    /** State operations and publishes never complete, as a store or broker that never answers. */
    TestHost stall(boolean stalled) {
        this.stalled = stalled;
        return this;
    }

    TestHost redeliveryCount(int count) {
        redeliveryCount = count;
        return this;
    }

    List<String> logLines() {
        return List.copyOf(logLines);
    }

    Map<String, byte[]> state() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        state.forEach((key, value) -> copy.put(key, value.clone()));
        return copy;
    }

    Map<String, Long> counters() {
        return new LinkedHashMap<>(counters);
    }

    List<Published> published() {
        return List.copyOf(published);
    }

    Map<String, List<Double>> metrics() {
        return new LinkedHashMap<>(metrics);
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
    public int redeliveryCount() {
        return redeliveryCount;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> stateGet(String key) {
        return stateOperation(() -> Optional.ofNullable(state.get(key)).map(byte[]::clone));
    }

    @Override
    public CompletableFuture<Void> statePut(String key, byte[] value) {
        return stateOperation(() -> {
            state.put(key, value.clone());
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> stateDelete(String key) {
        return stateOperation(() -> {
            state.remove(key);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> counterIncr(String key, long amount) {
        return stateOperation(() -> {
            counters.merge(key, amount, Long::sum);
            return null;
        });
    }

    @Override
    public CompletableFuture<Long> counterGet(String key) {
        return stateOperation(() -> counters.getOrDefault(key, 0L));
    }

    private <T> CompletableFuture<T> stateOperation(Supplier<T> operation) {
        if (stateFailure != null) {
            throw stateFailure;
        }
        return stalled ? new CompletableFuture<>() : CompletableFuture.completedFuture(operation.get());
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        if (stalled) {
            return new CompletableFuture<>();
        }
        if (publishFailure != null) {
            return CompletableFuture.failedFuture(publishFailure);
        }
        published.add(new Published(topic, key, Map.copyOf(properties), value.clone()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void recordMetric(String name, double value) {
        metrics.computeIfAbsent(name, metric -> new ArrayList<>()).add(value);
    }
}
