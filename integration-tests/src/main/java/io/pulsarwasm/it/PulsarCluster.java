package io.pulsarwasm.it;

import io.pulsarwasm.testing.pulsar.PulsarWasmContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Pulsar with the functions worker on, as the integration suite uses it: a Testcontainers
 * container where a Docker engine runs with a Pulsar image, otherwise the binary distribution
 * started as {@code bin/pulsar standalone} on free ports.
 */
public interface PulsarCluster extends AutoCloseable {

    /**
     * Starts a Pulsar: a Testcontainers container where a Docker engine runs and has the image
     * (system property {@code pulsarwasm.image}, by default {@code apachepulsar/pulsar:<version>},
     * official or built by {@code scripts/pulsar-image.sh}), otherwise the local binary distribution
     * as a standalone process. Says which, and why.
     *
     * @return the running cluster
     */
    static PulsarCluster start() {
        DockerImageName image = DockerImageName.parse(
                System.getProperty("pulsarwasm.image", PulsarWasmContainer.DEFAULT_IMAGE.asCanonicalNameString()));
        String why;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            why = "no Docker engine";
        } else if (!PulsarWasmContainer.imagePresent(image)) {
            why = "Docker engine found, but no image " + image.asCanonicalNameString()
                    + " (docker pull it, or build it: scripts/pulsar-image.sh)";
        } else {
            System.out.println("PulsarCluster: Testcontainers, image " + image.asCanonicalNameString());
            return ContainerPulsar.start(image, Artifacts.pulsarHome());
        }
        System.out.println("PulsarCluster: " + why + "; local distribution "
                + Artifacts.pulsarHome().getFileName() + " as a standalone process");
        return StandalonePulsar.start(Artifacts.pulsarHome(), Artifacts.workDir());
    }

    /** @return the broker URL, {@code pulsar://host:port} */
    String serviceUrl();

    /** @return the web service URL, {@code http://host:port} */
    String adminUrl();

    /**
     * Runs Pulsar's own {@code bin/pulsar-admin} CLI against this cluster.
     *
     * @param args the CLI arguments, e.g. {@code "functions", "status", "--name", "f"}
     * @return exit code and output
     */
    CommandResult pulsarAdmin(String... args);

    /**
     * Runs {@code pulsar-admin functions localrun} against this cluster for a while, then stops it
     * (SIGTERM, as a user's Ctrl-C would): the function runs in a process of its own, outside the
     * functions worker, connected to this cluster's broker.
     *
     * @param duration how long it runs before it is stopped
     * @param args the arguments after {@code functions localrun} and the service URLs, e.g.
     *     {@code --jar}, {@code --classname}, {@code --inputs}
     * @return what it printed
     */
    CommandResult localRun(Duration duration, String... args);

    /**
     * Stops a {@link #localRun} before its time is up (SIGTERM, as a user's Ctrl-C would), once the
     * test has seen what it waited for.
     *
     * @param name the function's {@code --name}
     */
    void stopLocalRun(String name);

    /**
     * Makes a local file visible to the functions worker.
     *
     * @param file a local file
     * @return its absolute path as the worker (and {@code pulsar-admin}) sees it
     */
    String visibleToWorker(Path file);

    /**
     * Reads the log file of one function instance.
     *
     * @param tenant the function's tenant
     * @param namespace the function's namespace
     * @param name the function's name
     * @return the log's content so far, empty if there is none yet
     */
    String functionLog(String tenant, String namespace, String name);

    /**
     * Kills the process of every instance of a function at once (SIGKILL), as a crash would; the
     * functions worker starts them again at its next liveness check.
     *
     * @param name the function's name; its instances' command lines carry it
     * @return how many processes were killed
     */
    int killFunctionInstances(String name);

    /**
     * The command lines of a function's instance processes, as the process runtime started them.
     *
     * @param name the function's name; its instances' command lines carry it
     * @return one command line per live instance process, empty if there is none
     */
    List<String> functionInstanceCommandLines(String name);

    /** Stops the cluster and everything it started. */
    @Override
    void close();
}
