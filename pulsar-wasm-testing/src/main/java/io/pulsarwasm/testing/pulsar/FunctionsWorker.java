package io.pulsarwasm.testing.pulsar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;

/** Waiting for a Pulsar functions worker to accept functions. */
public final class FunctionsWorker {

    private FunctionsWorker() {}

    /**
     * Waits until the worker can create a function. It answers "Leader not yet ready" for a while
     * after it says it started, so the only reliable probe is creating a function — Pulsar's own
     * {@code ExclamationFunction} from the distribution's {@code examples/api-examples.jar} — in
     * {@code public/default} and deleting it again.
     *
     * @param admin an admin client for the cluster
     * @param apiExamplesJar a local copy of the distribution's {@code examples/api-examples.jar}
     * @param timeout how long to keep trying, for each of the two steps
     * @throws org.awaitility.core.ConditionTimeoutException if the worker is not ready in time
     */
    public static void awaitReady(PulsarAdmin admin, Path apiExamplesJar, Duration timeout) {
        String probeName =
                "pulsar-wasm-readiness-probe-" + UUID.randomUUID().toString().substring(0, 8);
        FunctionConfig probe = FunctionConfig.builder()
                .tenant("public")
                .namespace("default")
                .name(probeName)
                .className("org.apache.pulsar.functions.api.examples.ExclamationFunction")
                .runtime(FunctionConfig.Runtime.JAVA)
                .inputs(List.of("persistent://public/default/" + probeName))
                .build();
        Awaitility.await("a function can be created on " + admin.getServiceUrl())
                .atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> {
                    try {
                        admin.functions().createFunction(probe, apiExamplesJar.toString());
                    } catch (PulsarAdminException e) {
                        // an earlier attempt may have created it after all, its answer lost
                        if (!admin.functions().getFunctions("public", "default").contains(probeName)) {
                            throw e;
                        }
                    }
                    return true;
                });
        // the worker can still answer "Leader not yet ready" to the delete
        Awaitility.await("the readiness probe can be deleted on " + admin.getServiceUrl())
                .atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> {
                    try {
                        admin.functions().deleteFunction("public", "default", probeName);
                    } catch (PulsarAdminException.NotFoundException e) {
                        // deleted by an earlier attempt whose answer was lost
                    }
                    return true;
                });
    }
}
