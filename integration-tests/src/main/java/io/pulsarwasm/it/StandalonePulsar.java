package io.pulsarwasm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Pulsar's binary distribution run as {@code bin/pulsar standalone}, functions worker and stream
 * storage (function state) on, every port (broker, web service, ZooKeeper, bookie, stream storage)
 * a free one on 127.0.0.1, all data and logs under a fresh work directory, so a Pulsar already
 * running on the default ports is left alone. Function instances run as child
 * processes (the process runtime) and are stopped with it.
 */
public final class StandalonePulsar implements PulsarCluster {

    private static final Duration STARTUP = Duration.ofMinutes(4);

    private final Path home;
    private final Path workDir;
    private final Process process;
    private final int brokerPort;
    private final int webPort;

    private StandalonePulsar(Path home, Path workDir, Process process, int brokerPort, int webPort) {
        this.home = home;
        this.workDir = workDir;
        this.process = process;
        this.brokerPort = brokerPort;
        this.webPort = webPort;
    }

    /**
     * Starts a standalone and waits until the broker and the functions worker answer.
     *
     * @param home the unpacked distribution ({@code apache-pulsar-<version>})
     * @param workDir scratch directory, emptied first
     * @return the running standalone
     */
    public static StandalonePulsar start(Path home, Path workDir) {
        try {
            deleteRecursively(workDir);
            Files.createDirectories(workDir);
            int[] ports = freePorts(5);
            Path config = workDir.resolve("standalone.conf");
            Files.writeString(config, configure(Files.readString(home.resolve("conf/standalone.conf")), ports[0], ports[1])
                    + "\nSTORAGE_PATH=" + workDir.resolve("packages-storage") + "\n");
            Path workerConfig = workDir.resolve("functions_worker.yml");
            Files.writeString(workerConfig, Files.readString(home.resolve("conf/functions_worker.yml"))
                    .replace("logDirectory: logs/", "logDirectory: " + workDir.resolve("logs"))
                    .replace("functionsWorkerEnablePackageManagement: false", "functionsWorkerEnablePackageManagement: true")
                    .replace("downloadDirectory: download/pulsar_functions",
                            "downloadDirectory: " + workDir.resolve("download/pulsar_functions")));
            Path output = workDir.resolve("standalone.out");
            ProcessBuilder builder = new ProcessBuilder(
                    home.resolve("bin/pulsar").toString(), "standalone",
                    "--config", config.toString(),
                    "--functions-worker-conf", workerConfig.toString(),
                    "--zookeeper-port", Integer.toString(ports[2]),
                    "--zookeeper-dir", workDir.resolve("data/zookeeper").toString(),
                    "--bookkeeper-port", Integer.toString(ports[3]),
                    "--bookkeeper-dir", workDir.resolve("data/bookkeeper").toString(),
                    "--stream-storage-port", Integer.toString(ports[4]))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PULSAR_LOG_DIR", workDir.resolve("logs").toString());
            // ZooKeeper mode is the one that starts stream storage, which function state needs.
            builder.environment().put("PULSAR_STANDALONE_USE_ZOOKEEPER", "1");
            builder.environment().put("PULSAR_MEM", "-Xms512m -Xmx1g -XX:MaxDirectMemorySize=1g");
            StandalonePulsar pulsar = new StandalonePulsar(home, workDir, builder.start(), ports[0], ports[1]);
            Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close, "stop-pulsar-standalone"));
            pulsar.awaitReady(output);
            return pulsar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String configure(String standaloneConf, int brokerPort, int webPort) {
        List<String> lines = new ArrayList<>();
        for (String line : standaloneConf.split("\n", -1)) {
            String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : "";
            lines.add(switch (key) {
                case "brokerServicePort" -> key + "=" + brokerPort;
                case "webServicePort" -> key + "=" + webPort;
                case "bindAddress", "advertisedAddress" -> key + "=127.0.0.1";
                // function packages as the default (RocksDB) standalone keeps them, which ZooKeeper
                // mode turns off; under the work directory, not the distribution's
                case "enablePackagesManagement" -> key + "=true";
                case "packagesManagementStorageProvider" ->
                        key + "=org.apache.pulsar.packages.management.storage.filesystem.FileSystemPackagesStorageProvider";
                default -> line;
            });
        }
        return String.join("\n", lines);
    }

    private void awaitReady(Path output) {
        try {
            awaitHttp();
            awaitFunctionCreation();
        } catch (IllegalStateException | ConditionTimeoutException e) {
            String tail = tail(output, 40);
            close();
            throw new IllegalStateException("Pulsar standalone did not start: " + e.getMessage() + "\n" + tail, e);
        }
    }

    /**
     * The worker can answer "Leader not yet ready" for a while after it names a leader: the only
     * reliable probe is creating a function (Pulsar's own example) and deleting it again.
     */
    private void awaitFunctionCreation() {
        FunctionConfig probe = FunctionConfig.builder().tenant("public").namespace("default").name("readiness-probe")
                .className("org.apache.pulsar.functions.api.examples.ExclamationFunction")
                .runtime(FunctionConfig.Runtime.JAVA).inputs(List.of("persistent://public/default/readiness-probe")).build();
        try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl()).build()) {
            Awaitility.await("a function can be created on " + adminUrl()).atMost(STARTUP)
                    .pollInterval(Duration.ofSeconds(1)).ignoreException(PulsarAdminException.class)
                    .until(() -> {
                        admin.functions().createFunction(probe, home.resolve("examples/api-examples.jar").toString());
                        return true;
                    });
            Functions.delete(admin, probe.getName());
        } catch (PulsarClientException | PulsarAdminException e) {
            throw new IllegalStateException("readiness probe failed: " + e.getMessage(), e);
        }
    }

    private void awaitHttp() {
        Awaitility.await("Pulsar standalone with functions worker at " + adminUrl())
                .atMost(STARTUP)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("pulsar standalone exited " + process.exitValue());
                    }
                    return httpOk("/admin/v2/namespaces/public/default")
                            && httpOk("/admin/v2/worker/cluster/leader")
                            && httpOk("/admin/v3/functions/public/default");
                });
    }

    private boolean httpOk(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(adminUrl() + path).toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String serviceUrl() {
        return "pulsar://127.0.0.1:" + brokerPort;
    }

    @Override
    public String adminUrl() {
        return "http://127.0.0.1:" + webPort;
    }

    @Override
    public CommandResult pulsarAdmin(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/pulsar-admin").toString(), "--admin-url", adminUrl()));
        command.addAll(List.of(args));
        return CommandResult.run(command, workDir, Duration.ofMinutes(2));
    }

    @Override
    public String visibleToWorker(Path file) {
        return file.toAbsolutePath().toString();
    }

    @Override
    public String functionLog(String tenant, String namespace, String name) {
        Path log = workDir.resolve("logs/functions").resolve(tenant).resolve(namespace).resolve(name).resolve(name + "-0.log");
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int killFunctionInstances(String name) {
        List<ProcessHandle> instances = process.descendants()
                .filter(child -> child.info().commandLine().orElse("").contains("\"name\":\"" + name + "\""))
                .toList();
        instances.forEach(ProcessHandle::destroyForcibly);
        return instances.size();
    }

    /** Stops the standalone and the function instance processes it started. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
