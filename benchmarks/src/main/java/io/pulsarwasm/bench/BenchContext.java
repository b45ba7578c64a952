package io.pulsarwasm.bench;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.slf4j.helpers.NOPLogger;

/**
 * The least of a Pulsar {@link Context} a wasm function class needs to run in a benchmark: user
 * config, identity, a silent logger, metrics ignored, and output messages when a benchmark gives
 * them. Anything else fails, so a benchmark
 * cannot measure a path it does not mean to.
 */
final class BenchContext {

    private BenchContext() {}

    static Context with(Map<String, Object> userConfig) {
        return with(userConfig, null);
    }

    /** As {@link #with(Map)}, with {@code newOutputMessage} answered by {@code messages} when not null. */
    static Context with(Map<String, Object> userConfig, Supplier<TypedMessageBuilder<?>> messages) {
        return with(userConfig, messages, null);
    }

    /** As {@link #with(Map)}, with {@code getCurrentRecord} answering {@code current}. */
    static Context withRecord(Map<String, Object> userConfig, org.apache.pulsar.functions.api.Record<?> current) {
        return with(userConfig, null, current);
    }

    private static Context with(
            Map<String, Object> userConfig,
            Supplier<TypedMessageBuilder<?>> messages,
            org.apache.pulsar.functions.api.Record<?> current) {
        Map<String, Object> config = new HashMap<>(userConfig);
        return (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserConfigMap" -> config;
                    case "getUserConfigValue" -> Optional.ofNullable(config.get((String) args[0]));
                    case "getLogger" -> NOPLogger.NOP_LOGGER;
                    case "getFunctionName" -> "bench";
                    case "getTenant" -> "public";
                    case "getNamespace" -> "default";
                    case "getCurrentRecord" -> current;
                    case "recordMetric" -> null;
                    case "newOutputMessage" -> {
                        if (messages == null) {
                            throw new UnsupportedOperationException("BenchContext has no newOutputMessage");
                        }
                        yield messages.get();
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "BenchContext";
                    default -> throw new UnsupportedOperationException("BenchContext has no " + method.getName());
                });
    }
}
