package io.pulsarwasm.it;

import io.pulsarwasm.testing.pulsar.FunctionsWorker;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClientException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Pulsar's binary distribution run as {@code bin/pulsar standalone}, functions worker and stream
 * storage (function state) on, every port (broker, web service, ZooKeeper, bookie, stream storage)
 * a free one on 127.0.0.1, all data and logs under a fresh work directory, so a Pulsar already
 * running on the default ports is left alone. Function instances run as child processes (the
 * process runtime, the default) and are stopped with it, or as threads of the standalone's own
 * JVM (the thread runtime), which then listens for JMX on a free port (see {@link #jvm()}).
 *
 * <p>Over 300 lines because it drives a real binary distribution (configuration, both function
 * runtimes, ports, JMX, logs) where no container engine runs.
 */
public final class StandalonePulsar implements PulsarCluster {

    /** Where the functions worker runs function instances. */
    public enum FunctionRuntime {
        /** Each instance is a child process ({@code ProcessRuntimeFactory}), as Pulsar's standalone ships. */
        PROCESS,
        /** Each instance is a thread of the worker's JVM ({@code ThreadRuntimeFactory}). */
        THREAD
    }

    static final String THREAD_RUNTIME_FACTORY = "org.apache.pulsar.functions.runtime.thread.ThreadRuntimeFactory";
    static final String THREAD_GROUP = "pulsar-wasm-thread-runtime";
    /** What conf/pulsar_env.sh puts in PULSAR_EXTRA_OPTS when it is unset; setting it replaces them. */
    private static final String DEFAULT_EXTRA_OPTS =
            "-Dpulsar.allocator.exit_on_oom=true -Dio.netty.recycler.maxCapacityPerThread=4096";

    private static final Duration STARTUP = Duration.ofMinutes(4);

    /** The standalone JVM's memory options unless a caller sets them ({@code PULSAR_MEM}). */
    public static final String DEFAULT_MEMORY = "-Xms512m -Xmx1g -XX:MaxDirectMemorySize=1g";

    private final Path home;
    private final Path workDir;
    private final Process process;
    private final int brokerPort;
    private final int webPort;
    private final FunctionRuntime runtime;
    private final int jmxPort;

    private StandalonePulsar(
            Path home,
            Path workDir,
            Process process,
            int brokerPort,
            int webPort,
            FunctionRuntime runtime,
            int jmxPort) {
        this.home = home;
        this.workDir = workDir;
        this.process = process;
        this.brokerPort = brokerPort;
        this.webPort = webPort;
        this.runtime = runtime;
        this.jmxPort = jmxPort;
    }

    /**
     * Starts a standalone whose function instances are processes, and waits until the broker and
     * the functions worker answer.
     *
     * @param home the unpacked distribution ({@code apache-pulsar-<version>})
     * @param workDir scratch directory, emptied first
     * @return the running standalone
     */
    public static StandalonePulsar start(Path home, Path workDir) {
        return start(home, workDir, FunctionRuntime.PROCESS);
    }

    /**
     * Starts a standalone and waits until the broker and the functions worker answer. With
     * {@link FunctionRuntime#THREAD} the standalone's JVM also listens for JMX on a free port of
     * 127.0.0.1, without authentication, for {@link #jvm()}.
     *
     * @param home the unpacked distribution ({@code apache-pulsar-<version>})
     * @param workDir scratch directory, emptied first
     * @param runtime where function instances run
     * @return the running standalone
     */
    public static StandalonePulsar start(Path home, Path workDir, FunctionRuntime runtime) {
        return start(home, workDir, runtime, DEFAULT_MEMORY, List.of());
    }

    /**
     * Starts a standalone with a given heap and built-in functions, and waits until the broker and
     * the functions worker answer.
     *
     * @param home the unpacked distribution ({@code apache-pulsar-<version>})
     * @param workDir scratch directory, emptied first
     * @param runtime where function instances run
     * @param memory the standalone JVM's memory options ({@code PULSAR_MEM}), e.g. {@code -Xmx4g}
     * @param builtinFunctions NARs copied into the worker's {@code functionsDirectory}, each then
     *     deployable as {@code builtin://<name>} (the name in its {@code META-INF/services/pulsar-io.yaml})
     * @return the running standalone
     */
    public static StandalonePulsar start(
            Path home, Path workDir, FunctionRuntime runtime, String memory, List<Path> builtinFunctions) {
        try {
            deleteRecursively(workDir);
            Files.createDirectories(workDir);
            Path functionsDirectory = Files.createDirectories(workDir.resolve("functions"));
            for (Path nar : builtinFunctions) {
                Files.copy(nar, functionsDirectory.resolve(nar.getFileName()));
            }
            int[] ports = freePorts(6);
            Path config = workDir.resolve("standalone.conf");
            Files.writeString(
                    config,
                    configure(Files.readString(home.resolve("conf/standalone.conf")), ports[0], ports[1])
                            + "\nSTORAGE_PATH=" + workDir.resolve("packages-storage") + "\n");
            Path workerConfig = workDir.resolve("functions_worker.yml");
            String workerYaml = Files.readString(home.resolve("conf/functions_worker.yml"))
                    .replace("logDirectory: logs/", "logDirectory: " + workDir.resolve("logs"))
                    .replace(
                            "functionsWorkerEnablePackageManagement: false",
                            "functionsWorkerEnablePackageManagement: true")
                    .replace("functionsDirectory: ./functions", "functionsDirectory: " + functionsDirectory)
                    .replace(
                            "downloadDirectory: download/pulsar_functions",
                            "downloadDirectory: " + workDir.resolve("download/pulsar_functions"));
            // JVM options for every function instance's process (a benchmark's -Dpulsarwasm.functionJvmArgs)
            String instanceOptions =
                    System.getProperty("pulsarwasm.functionJvmArgs", "").strip();
            if (!instanceOptions.isEmpty()) {
                workerYaml += "\nadditionalJavaRuntimeArguments: ["
                        + java.util.Arrays.stream(instanceOptions.split("\\s+"))
                                .map(option -> "'" + option + "'")
                                .collect(java.util.stream.Collectors.joining(", "))
                        + "]\n";
            }
            Files.writeString(workerConfig, runtime == FunctionRuntime.THREAD ? threadRuntime(workerYaml) : workerYaml);
            Path output = workDir.resolve("standalone.out");
            ProcessBuilder builder = new ProcessBuilder(
                            home.resolve("bin/pulsar").toString(),
                            "standalone",
                            "--config",
                            config.toString(),
                            "--functions-worker-conf",
                            workerConfig.toString(),
                            "--zookeeper-port",
                            Integer.toString(ports[2]),
                            "--zookeeper-dir",
                            workDir.resolve("data/zookeeper").toString(),
                            "--bookkeeper-port",
                            Integer.toString(ports[3]),
                            "--bookkeeper-dir",
                            workDir.resolve("data/bookkeeper").toString(),
                            "--stream-storage-port",
                            Integer.toString(ports[4]))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("PULSAR_LOG_DIR", workDir.resolve("logs").toString());
            // ZooKeeper mode is the one that starts stream storage, which function state needs.
            builder.environment().put("PULSAR_STANDALONE_USE_ZOOKEEPER", "1");
            builder.environment().put("PULSAR_MEM", memory);
            int jmxPort = runtime == FunctionRuntime.THREAD ? ports[5] : 0;
            if (runtime == FunctionRuntime.THREAD) {
                // bin/pulsar appends PULSAR_EXTRA_OPTS to the standalone's java command line
                builder.environment()
                        .put(
                                "PULSAR_EXTRA_OPTS",
                                DEFAULT_EXTRA_OPTS
                                        + " -Dcom.sun.management.jmxremote.port=" + jmxPort
                                        + " -Dcom.sun.management.jmxremote.rmi.port=" + jmxPort
                                        + " -Dcom.sun.management.jmxremote.authenticate=false"
                                        + " -Dcom.sun.management.jmxremote.ssl=false"
                                        + " -Djava.rmi.server.hostname=127.0.0.1");
            }
            StandalonePulsar pulsar =
                    new StandalonePulsar(home, workDir, builder.start(), ports[0], ports[1], runtime, jmxPort);
            Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close, "stop-pulsar-standalone"));
            pulsar.awaitReady(output);
            return pulsar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Swaps the worker's runtime for the thread runtime: the active
     * {@code functionRuntimeFactoryClassName} line and the indented
     * {@code functionRuntimeFactoryConfigs:} block under it (the process runtime's settings) are
     * replaced; the commented-out examples for the other runtimes are left as they are.
     */
    static String threadRuntime(String workerYaml) {
        List<String> lines = new ArrayList<>();
        int classNames = 0;
        int blocks = 0;
        boolean skippingBlock = false;
        for (String line : workerYaml.split("\n", -1)) {
            if (skippingBlock) {
                if (line.startsWith(" ") || line.startsWith("\t")) {
                    continue;
                }
                skippingBlock = false;
            }
            if (line.startsWith("functionRuntimeFactoryClassName:")) {
                lines.add("functionRuntimeFactoryClassName: " + THREAD_RUNTIME_FACTORY);
                classNames++;
            } else if (line.startsWith("functionRuntimeFactoryConfigs:")) {
                lines.add("functionRuntimeFactoryConfigs:");
                lines.add("  threadGroupName: \"" + THREAD_GROUP + "\"");
                skippingBlock = true;
                blocks++;
            } else {
                lines.add(line);
            }
        }
        if (classNames != 1 || blocks != 1) {
            throw new IllegalStateException("functions_worker.yml has " + classNames
                    + " active functionRuntimeFactoryClassName lines and " + blocks
                    + " functionRuntimeFactoryConfigs blocks; expected one of each");
        }
        return String.join("\n", lines);
    }

    private static String configure(String standaloneConf, int brokerPort, int webPort) {
        List<String> lines = new ArrayList<>();
        for (String line : standaloneConf.split("\n", -1)) {
            String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : "";
            lines.add(
                    switch (key) {
                        case "brokerServicePort" -> key + "=" + brokerPort;
                        case "webServicePort" -> key + "=" + webPort;
                        case "bindAddress", "advertisedAddress" -> key + "=127.0.0.1";
                        // function packages as the default (RocksDB) standalone keeps them, which ZooKeeper
                        // mode turns off; under the work directory, not the distribution's
                        case "enablePackagesManagement" -> key + "=true";
                        case "packagesManagementStorageProvider" ->
                            key
                                    + "=org.apache.pulsar.packages.management.storage.filesystem.FileSystemPackagesStorageProvider";
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

    private void awaitFunctionCreation() {
        try (PulsarAdmin admin =
                PulsarAdmin.builder().serviceHttpUrl(adminUrl()).build()) {
            FunctionsWorker.awaitReady(admin, home.resolve("examples/api-examples.jar"), STARTUP);
        } catch (PulsarClientException e) {
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
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(adminUrl() + path).toURL().openConnection();
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
        List<String> command =
                new ArrayList<>(List.of(home.resolve("bin/pulsar-admin").toString(), "--admin-url", adminUrl()));
        command.addAll(List.of(args));
        return CommandResult.run(command, workDir, Duration.ofMinutes(2));
    }

    @Override
    public CommandResult localRun(Duration duration, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "timeout",
                "-s",
                "TERM",
                Long.toString(duration.toSeconds()),
                home.resolve("bin/pulsar-admin").toString(),
                "functions",
                "localrun",
                "--broker-service-url",
                serviceUrl(),
                "--web-service-url",
                adminUrl()));
        command.addAll(List.of(args));
        return CommandResult.run(command, workDir, duration.plusMinutes(1));
    }

    @Override
    public void stopLocalRun(String name) {
        CommandResult.run(
                List.of("pkill", "-TERM", "-f", "functions localrun .*--name " + name + " "),
                workDir,
                Duration.ofSeconds(30));
    }

    @Override
    public String visibleToWorker(Path file) {
        return file.toAbsolutePath().toString();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Process runtime: the instance's own log file. Thread runtime: instances log through the
     * standalone's log4j, whose routing appender still writes what the instance thread logs
     * (log4j's thread context names the function) to the same per-instance file; lines about the
     * instance logged on its thread but outside that context go to the standalone's console
     * output ({@code standalone.out}), so those naming the instance thread
     * ({@code [tenant/namespace/name-0]}) are appended after the file's content.
     */
    @Override
    public String functionLog(String tenant, String namespace, String name) {
        Path log = workDir.resolve("logs/functions")
                .resolve(tenant)
                .resolve(namespace)
                .resolve(name)
                .resolve(name + "-0.log");
        try {
            String own = Files.exists(log) ? Files.readString(log) : "";
            if (runtime == FunctionRuntime.PROCESS) {
                return own;
            }
            String thread = "[" + tenant + "/" + namespace + "/" + name + "-0]";
            Path console = workDir.resolve("standalone.out");
            if (!Files.exists(console)) {
                return own;
            }
            try (Stream<String> lines = Files.lines(console, StandardCharsets.UTF_8)) {
                String fromConsole = lines.filter(line -> line.contains(thread)).collect(Collectors.joining("\n"));
                return fromConsole.isEmpty() ? own : own + fromConsole + "\n";
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return where this standalone runs function instances */
    public FunctionRuntime functionRuntime() {
        return runtime;
    }

    /**
     * The JMX address of the standalone's JVM (thread runtime only).
     *
     * @return {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:<port>/jmxrmi}
     * @throws IllegalStateException for the process runtime, which does not open JMX
     */
    public String jmxUrl() {
        if (runtime != FunctionRuntime.THREAD) {
            throw new IllegalStateException("JMX is on only for the thread runtime");
        }
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi";
    }

    /**
     * Connects to the standalone's JVM over JMX (thread runtime only), where function instances run.
     *
     * @return a connection; close it when done
     */
    public JvmProbe jvm() {
        return JvmProbe.connect(jmxUrl());
    }

    /** @return the scratch directory: data, logs, {@code standalone.out} */
    public Path workDir() {
        return workDir;
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException under the thread runtime, where instances are threads of the worker
     */
    @Override
    public int killFunctionInstances(String name) {
        if (runtime == FunctionRuntime.THREAD) {
            throw new UnsupportedOperationException(
                    "thread runtime: instances of " + name + " are threads of the worker");
        }
        List<ProcessHandle> instances = process.descendants()
                .filter(child -> child.info().commandLine().orElse("").contains("\"name\":\"" + name + "\""))
                .toList();
        instances.forEach(ProcessHandle::destroyForcibly);
        return instances.size();
    }

    @Override
    public List<String> functionInstanceCommandLines(String name) {
        return process.descendants()
                .map(child -> child.info().commandLine().orElse(""))
                .filter(line -> line.contains("\"name\":\"" + name + "\""))
                .toList();
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
