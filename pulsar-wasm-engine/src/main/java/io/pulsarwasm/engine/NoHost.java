package io.pulsarwasm.engine;

import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host of an instance made without one: logs to SLF4J, knows no config or record, refuses state and publishing. */
class NoHost implements Host {

    private final Logger logger;

    NoHost(String moduleName) {
        this.logger = LoggerFactory.getLogger("io.pulsarwasm.guest." + moduleName);
    }

    @Override
    public void log(LogLevel level, String line) {
        level.log(logger, line);
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.empty();
    }

    @Override
    public Optional<String> secret(String name) {
        return Optional.empty();
    }

    @Override
    public Optional<String> key() {
        return Optional.empty();
    }

    @Override
    public Optional<String> topic() {
        return Optional.empty();
    }

    @Override
    public Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public OptionalLong eventTime() {
        return OptionalLong.empty();
    }

    @Override
    public Optional<String> schema() {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> messageId() {
        return Optional.empty();
    }

    @Override
    public String tenant() {
        return "public";
    }

    @Override
    public String namespace() {
        return "default";
    }

    @Override
    public String functionName() {
        return "none";
    }

    @Override
    public int instanceId() {
        return 0;
    }

    @Override
    public int numInstances() {
        return 1;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> stateGet(String key) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> statePut(String key, byte[] value) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> stateDelete(String key) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Void> counterIncr(String key, long amount) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<Long> counterGet(String key) {
        throw unsupported();
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        throw unsupported();
    }

    @Override
    public void recordMetric(String name, double value) {
        logger.debug("metric {} = {}", name, value);
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("needs a host, and this instance has none "
                + "(use WasmFunctionTester, or pass a Host to WasmLoader.newInstance)");
    }
}
