package io.pulsarwasm.testing.pulsar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Creating a function and waiting until it really runs, for a standalone ({@link PulsarWasmContainer})
 * and a cluster ({@link PulsarWasmCluster}) alike.
 */
final class FunctionDeployment {

    /** Where a deployment looks for a function's log when it fails. */
    @FunctionalInterface
    interface Logs {
        /**
         * @param tenant the function's tenant
         * @param namespace the function's namespace
         * @param name the function's name
         * @return the log of its first instance, empty if there is none
         */
        String of(String tenant, String namespace, String name);
    }

    private static final Duration WAIT = Duration.ofMinutes(2);

    private FunctionDeployment() {}

    /**
     * Creates a function and waits until all its instances run and have subscribed. Tenant and
     * namespace default to {@code public/default}, the runtime to Java, and the subscription
     * position to the earliest message, so that nothing sent after this returns is missed.
     *
     * @param admin the admin client
     * @param config the function's configuration, completed with those defaults
     * @param nar the NAR (or JAR) holding the function class, a local file or a
     *     {@code function://} package URL
     * @param logs where the failure message's log comes from
     * @throws IllegalStateException if the function is refused or does not run within two minutes
     */
    static void deploy(PulsarAdmin admin, FunctionConfig config, Path nar, Logs logs) {
        deploy(admin, config, nar.toString(), logs);
    }

    /**
     * As {@link #deploy(PulsarAdmin, FunctionConfig, Path, Logs)}, from a local file or a package URL.
     *
     * @param admin the admin client
     * @param config the function's configuration
     * @param jar a local file's path or a {@code function://} package URL
     * @param logs where the failure message's log comes from
     */
    static void deploy(PulsarAdmin admin, FunctionConfig config, String jar, Logs logs) {
        Objects.requireNonNull(config.getName(), "the function needs a name");
        if (config.getTenant() == null) {
            config.setTenant("public");
        }
        if (config.getNamespace() == null) {
            config.setNamespace("default");
        }
        if (config.getRuntime() == null) {
            config.setRuntime(FunctionConfig.Runtime.JAVA);
        }
        if (config.getSubscriptionPosition() == null) {
            // an instance reports "running" before its consumer has subscribed: from the latest
            // message, what a test sends right after deploy returns could be missed
            config.setSubscriptionPosition(SubscriptionInitialPosition.Earliest);
        }
        int parallelism = config.getParallelism() == null ? 1 : config.getParallelism();
        try {
            if (jar.contains("://")) {
                admin.functions().createFunctionWithUrl(config, jar);
            } else {
                admin.functions().createFunction(config, jar);
            }
        } catch (PulsarAdminException e) {
            throw new IllegalStateException(
                    "creating function " + config.getName() + " from " + jar + ": " + e.getMessage(), e);
        }
        try {
            // the status can answer 503 or "not found" for a moment after the creation
            Awaitility.await(config.getName() + " running")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                    .until(() -> admin.functions()
                                    .getFunctionStatus(config.getTenant(), config.getNamespace(), config.getName())
                                    .getNumRunning()
                            == parallelism);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "function " + config.getName() + " did not start all " + parallelism
                            + " instances within 2 minutes; its log:\n"
                            + tail(logs.of(config.getTenant(), config.getNamespace(), config.getName()), 40),
                    e);
        }
        awaitSubscribed(admin, config, parallelism, logs);
    }

    /**
     * An instance reports "running" before its consumer has subscribed, and what is sent before
     * that is not seen from the latest message (the worker of Pulsar 4.0.8 was seen subscribing at
     * Latest although the config said Earliest): so a deployment also waits until every instance's
     * consumer is on each input topic.
     */
    private static void awaitSubscribed(PulsarAdmin admin, FunctionConfig config, int parallelism, Logs logs) {
        Set<String> topics = new LinkedHashSet<>();
        if (config.getInputs() != null) {
            topics.addAll(config.getInputs());
        }
        if (config.getInputSpecs() != null) {
            config.getInputSpecs().forEach((topic, spec) -> {
                if (!spec.isRegexPattern()) {
                    topics.add(topic);
                }
            });
        }
        String subscription = config.getSubName() != null
                ? config.getSubName()
                : config.getTenant() + "/" + config.getNamespace() + "/" + config.getName();
        for (String topic : topics) {
            try {
                Awaitility.await(config.getName() + " subscribed to " + topic)
                        .atMost(WAIT)
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                        .until(() -> {
                            var stats = admin.topics()
                                    .getStats(topic)
                                    .getSubscriptions()
                                    .get(subscription);
                            return stats != null && stats.getConsumers().size() >= parallelism;
                        });
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(
                        "function " + config.getName() + " runs but did not subscribe to " + topic
                                + " (subscription " + subscription + ") within 2 minutes; its log:\n"
                                + tail(logs.of(config.getTenant(), config.getNamespace(), config.getName()), 40),
                        e);
            }
        }
    }

    /**
     * The last lines of a text.
     *
     * @param text the text
     * @param lines how many lines at most
     * @return its last lines
     */
    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
