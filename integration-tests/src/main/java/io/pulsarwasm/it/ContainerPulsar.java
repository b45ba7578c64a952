package io.pulsarwasm.it;

import io.pulsarwasm.testing.pulsar.PulsarWasmContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Pulsar in a Testcontainers container ({@link PulsarWasmContainer}, the class users get), set up
 * as {@link StandalonePulsar} sets up the local distribution: function packages kept by the
 * package service on the file system, the same heap.
 */
public final class ContainerPulsar implements PulsarCluster {

    private final PulsarWasmContainer container;

    private ContainerPulsar(PulsarWasmContainer container) {
        this.container = container;
    }

    /**
     * Starts the container and waits until the functions worker can create a function.
     *
     * @param image the Pulsar image, present in the local Docker engine
     * @param distribution the unpacked distribution of the same version, whose worker configuration is adapted
     * @return the running container
     */
    @SuppressWarnings("resource")
    public static ContainerPulsar start(DockerImageName image, Path distribution) {
        String workerYaml;
        try {
            String shipped = Files.readString(distribution.resolve("conf/functions_worker.yml"));
            workerYaml = shipped.replace(
                    "functionsWorkerEnablePackageManagement: false", "functionsWorkerEnablePackageManagement: true");
            if (workerYaml.equals(shipped)) {
                throw new IllegalStateException("conf/functions_worker.yml of " + distribution
                        + " has no 'functionsWorkerEnablePackageManagement: false' line to turn on");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PulsarWasmContainer container = new PulsarWasmContainer(image);
        container
                .withEnv("PULSAR_MEM", "-Xms512m -Xmx1g -XX:MaxDirectMemorySize=1g")
                .withEnv("PULSAR_PREFIX_enablePackagesManagement", "true")
                .withEnv(
                        "PULSAR_PREFIX_packagesManagementStorageProvider",
                        "org.apache.pulsar.packages.management.storage.filesystem.FileSystemPackagesStorageProvider")
                .withCopyToContainer(Transferable.of(workerYaml), "/pulsar/conf/functions_worker.yml");
        container.start();
        ContainerPulsar pulsar = new ContainerPulsar(container);
        Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close, "stop-pulsar-container"));
        return pulsar;
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
        ExecResult result = container.exec(command.toArray(String[]::new));
        return new CommandResult(result.getExitCode(), result.getStdout(), result.getStderr());
    }

    @Override
    public CommandResult localRun(Duration duration, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "timeout",
                "-s",
                "TERM",
                Long.toString(duration.toSeconds()),
                "bin/pulsar-admin",
                "functions",
                "localrun",
                "--broker-service-url",
                "pulsar://localhost:6650",
                "--web-service-url",
                "http://localhost:8080"));
        command.addAll(List.of(args));
        ExecResult result = container.exec(command.toArray(String[]::new));
        return new CommandResult(result.getExitCode(), result.getStdout(), result.getStderr());
    }

    @Override
    public void stopLocalRun(String name) {
        container.exec("pkill", "-TERM", "-f", "functions localrun .*--name " + name + " ");
    }

    @Override
    public String visibleToWorker(Path file) {
        return container.copyToWorker(file).substring("file://".length());
    }

    @Override
    public String functionLog(String tenant, String namespace, String name) {
        return container.functionLog(tenant, namespace, name);
    }

    @Override
    public int killFunctionInstances(String name) {
        String pattern = "\"name\":\"" + name + "\"";
        int before = container
                .exec("pgrep", "-f", pattern)
                .getStdout()
                .strip()
                .lines()
                .toList()
                .size();
        container.exec("pkill", "-9", "-f", pattern);
        return before;
    }

    @Override
    public List<String> functionInstanceCommandLines(String name) {
        // pgrep -a prints "<pid> <command line>" per process
        return container
                .exec("pgrep", "-af", "\"name\":\"" + name + "\"")
                .getStdout()
                .strip()
                .lines()
                .filter(line -> line.contains("JavaInstanceMain"))
                .toList();
    }

    @Override
    public void close() {
        container.stop();
    }
}
