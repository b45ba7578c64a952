package io.pulsarwasm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.pulsar.PulsarContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/** Pulsar in a Testcontainers container with the functions worker on, for machines with Docker. */
public final class ContainerPulsar implements PulsarCluster {

    private static final DockerImageName IMAGE = DockerImageName.parse("apachepulsar/pulsar:4.0.8");
    private static final String UPLOADS = "/pulsar/uploads/";

    private final PulsarContainer container;

    private ContainerPulsar(PulsarContainer container) {
        this.container = container;
    }

    /**
     * Starts the container and waits until the functions worker answers.
     *
     * @return the running container
     */
    @SuppressWarnings("resource")
    public static ContainerPulsar start() {
        PulsarContainer container = new PulsarContainer(IMAGE).withFunctionsWorker();
        container.start();
        return new ContainerPulsar(container);
    }

    @Override
    public String serviceUrl() {
        return container.getPulsarBrokerUrl();
    }

    @Override
    public String adminUrl() {
        return container.getHttpServiceUrl();
    }

    @Override
    public CommandResult pulsarAdmin(String... args) {
        List<String> command = new ArrayList<>(List.of("bin/pulsar-admin"));
        command.addAll(List.of(args));
        return exec(command.toArray(String[]::new));
    }

    @Override
    public String visibleToWorker(Path file) {
        String target = UPLOADS + file.getFileName();
        container.copyFileToContainer(MountableFile.forHostPath(file), target);
        return target;
    }

    @Override
    public String functionLog(String tenant, String namespace, String name) {
        String log = "/pulsar/logs/functions/" + tenant + "/" + namespace + "/" + name + "/" + name + "-0.log";
        CommandResult cat = exec("cat", log);
        return cat.exitCode() == 0 ? cat.stdout() : "";
    }

    private CommandResult exec(String... command) {
        try {
            ExecResult result = container.execInContainer(command);
            return new CommandResult(result.getExitCode(), result.getStdout(), result.getStderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int killFunctionInstances(String name) {
        String pattern = "\"name\":\"" + name + "\"";
        int before = exec("pgrep", "-f", pattern).stdout().strip().lines().toList().size();
        exec("pkill", "-9", "-f", pattern);
        return before;
    }

    @Override
    public void close() {
        container.stop();
    }
}
