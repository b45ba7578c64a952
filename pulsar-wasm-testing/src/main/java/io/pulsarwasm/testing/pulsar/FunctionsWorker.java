package io.pulsarwasm.testing.pulsar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;

/** Waiting for a Pulsar functions worker to accept functions. */
public final class FunctionsWorker {

    private static final String PROBE = "readiness-probe";

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
        FunctionConfig probe = FunctionConfig.builder().tenant("public").namespace("default").name(PROBE)
                .className("org.apache.pulsar.functions.api.examples.ExclamationFunction")
                .runtime(FunctionConfig.Runtime.JAVA).inputs(List.of("persistent://public/default/" + PROBE)).build();
        Awaitility.await("a function can be created on " + admin.getServiceUrl()).atMost(timeout)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> {
                    try {
                        admin.functions().createFunction(probe, apiExamplesJar.toString());
                    } catch (PulsarAdminException e) {
                        // an earlier attempt may have created it after all, its answer lost
                        if (!admin.functions().getFunctions("public", "default").contains(PROBE)) {
                            throw e;
                        }
                    }
                    return true;
                });
        // the worker can still answer "Leader not yet ready" to the delete
        Awaitility.await("the readiness probe can be deleted on " + admin.getServiceUrl()).atMost(timeout)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(PulsarAdminException.class)
                .until(() -> {
                    try {
                        admin.functions().deleteFunction("public", "default", PROBE);
                    } catch (PulsarAdminException.NotFoundException e) {
                        // deleted by an earlier attempt whose answer was lost
                    }
                    return true;
                });
    }
}
