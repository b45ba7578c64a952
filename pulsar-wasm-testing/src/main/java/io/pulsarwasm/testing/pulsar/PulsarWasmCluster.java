package io.pulsarwasm.testing.pulsar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.WorkerInfo;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A Pulsar cluster in Docker containers, every role from the same image, ready to run wasm
 * functions across several workers: one ZooKeeper as the metadata store, two bookies (with stream
 * storage, which function state needs), brokers each with its functions worker (process runtime:
 * every instance is a JVM of its own, as on Kubernetes), package management on, and a proxy in
 * front that the test talks to — a client and an admin client through the proxy survive the loss
 * of a broker.
 *
 * <pre>{@code
 * try (PulsarWasmCluster cluster = new PulsarWasmCluster()) {
 *     cluster.start();
 *     cluster.deploy(FunctionConfig.builder().name("shout").className("io.pulsarwasm.function.WasmStringFunction")
 *             .inputs(List.of("in")).output("out").parallelism(4).build(), Path.of("shout.nar"));
 *     cluster.kill(0); // docker kill: its instances move to the other worker
 * }
 * }</pre>
 *
 * <p>The workers are tuned to notice a lost worker quickly: the leader checks every 5 seconds and
 * moves a dead worker's instances after 10 (Pulsar's defaults are 30 and 60); brokers' metadata
 * sessions expire after 10 seconds. A function's package reaches the worker that runs it through
 * BookKeeper (uploaded NARs, two replicas) or package management ({@code function://} URLs), so
 * a NAR must never be a {@code file://} path that exists on one worker only.
 *
 * <p>Starting takes about three minutes on a 2-core machine; the whole start is under one
 * deadline, as for {@link PulsarWasmContainer}. Over 300 lines because it is the whole fixture
 * of a cluster (six containers, their order and their settings), each step short.
 */
public class PulsarWasmCluster implements AutoCloseable {

    /** The cluster's name, as {@code functions status} and the brokers report it. */
    public static final String CLUSTER_NAME = "wasm-cluster";
    /** The leader's check for lost workers, in milliseconds (Pulsar's default: 30 000). */
    public static final int FAILURE_CHECK_MS = 5_000;
    /** How long a lost worker's instances wait before they are moved, in milliseconds (default: 60 000). */
    public static final int RESCHEDULE_TIMEOUT_MS = 10_000;

    private static final String ZOOKEEPER = "zookeeper";
    private static final String METADATA = "zk:" + ZOOKEEPER + ":2181";
    private static final String LEDGERS = "zk+hierarchical://" + ZOOKEEPER + ":2181/ledgers";
    private static final int BOOKIES = 2;
    private static final String UPLOADS = "/pulsar/uploads/";

    private final DockerImageName image;
    private final int brokerCount;
    private Duration startup = PulsarWasmContainer.DEFAULT_STARTUP_TIMEOUT;
    private long startingAt;

    private Network network;
    private GenericContainer<?> zookeeper;
    private final List<GenericContainer<?>> bookies = new ArrayList<>();
    private final List<GenericContainer<?>> brokers = new ArrayList<>();
    private GenericContainer<?> proxy;
    private PulsarAdmin admin;
    private PulsarClient client;

    /** A cluster of two brokers, from {@link PulsarWasmContainer#DEFAULT_IMAGE}. */
    public PulsarWasmCluster() {
        this(PulsarWasmContainer.DEFAULT_IMAGE, 2);
    }

    /**
     * A cluster from another image laid out like the official one ({@code /pulsar}, with
     * {@code bin/apply-config-from-env.py}).
     *
     * @param image the image every role runs from
     * @param brokers how many brokers (each with a functions worker), at least one
     */
    public PulsarWasmCluster(DockerImageName image, int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one broker, got " + brokers);
        }
        this.image = image;
        this.brokerCount = brokers;
    }

    /**
     * Sets the one deadline of the whole {@link #start()}.
     *
     * @param startupTimeout the deadline
     * @return this cluster
     */
    public PulsarWasmCluster withStartupTimeout(Duration startupTimeout) {
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("a start-up timeout must be positive, got " + startupTimeout);
        }
        this.startup = startupTimeout;
        return this;
    }

    /**
     * Starts every role in order — ZooKeeper, the cluster's metadata, the bookies, the brokers, the
     * proxy — and waits until every functions worker has joined and a function can be created.
     *
     * @throws IllegalStateException if a role does not start, or the workers are not ready, within
     *     the start-up deadline; the message names the role and carries its log's end
     */
    public void start() {
        startingAt = System.nanoTime();
        network = Network.newNetwork();
        zookeeper = role(ZOOKEEPER, "bin/pulsar zookeeper")
                .withEnv("PULSAR_MEM", "-Xms128m -Xmx256m")
                .withExposedPorts(2181)
                .waitingFor(Wait.forListeningPort());
        startAll(List.of(zookeeper));
        initializeMetadata();
        for (int i = 0; i < BOOKIES; i++) {
            bookies.add(bookie(i));
        }
        startAll(bookies);
        for (int i = 0; i < brokerCount; i++) {
            // one after another: workers that start together race to fence the coordination
            // topic's subscription, and the loser's broker stops ("Subscription Busy")
            brokers.add(broker(i));
            startAll(List.of(brokers.get(i)));
        }
        proxy = role("proxy", "bin/apply-config-from-env.py conf/proxy.conf && exec bin/pulsar proxy")
                .withEnv("PULSAR_MEM", "-Xms128m -Xmx256m")
                .withEnv("PULSAR_PREFIX_clusterName", CLUSTER_NAME)
                .withEnv("PULSAR_PREFIX_metadataStoreUrl", METADATA)
                .withEnv("PULSAR_PREFIX_configurationMetadataStoreUrl", METADATA)
                // a function's NAR is replayed to the leader worker when the proxy is redirected there
                .withEnv("PULSAR_PREFIX_httpInputMaxReplayBufferSize", String.valueOf(256 * 1024 * 1024))
                .withExposedPorts(6650, 8080)
                .waitingFor(Wait.forListeningPort());
        startAll(List.of(proxy));
        awaitWorkers();
    }

    private GenericContainer<?> role(String name, String command) {
        @SuppressWarnings("resource") // stopped by close()
        GenericContainer<?> container = new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases(name)
                .withCreateContainerCmdModifier(create -> create.withHostName(name))
                .withCommand("bash", "-c", command)
                .withStartupTimeout(remaining());
        return container;
    }

    private GenericContainer<?> bookie(int index) {
        String name = "bookie-" + index;
        // keys with dots cannot be environment variable names for every shell: appended instead
        String streamStorage = String.join(
                "\\n",
                "storageserver.grpc.port=4181",
                "dlog.bkcEnsembleSize=" + BOOKIES,
                "dlog.bkcWriteQuorumSize=" + BOOKIES,
                "dlog.bkcAckQuorumSize=" + BOOKIES,
                "storage.range.store.dirs=data/bookkeeper/ranges",
                "storage.cluster.controller.schedule.interval.ms=5000");
        return role(
                        name,
                        "printf '\\n" + streamStorage + "\\n' >> conf/bookkeeper.conf"
                                + " && bin/apply-config-from-env.py conf/bookkeeper.conf && exec bin/pulsar bookie")
                .withEnv("BOOKIE_MEM", "-Xms128m -Xmx256m -XX:MaxDirectMemorySize=256m")
                .withEnv(Map.of(
                        "PULSAR_PREFIX_zkServers", ZOOKEEPER + ":2181",
                        "PULSAR_PREFIX_metadataServiceUri", LEDGERS,
                        "PULSAR_PREFIX_advertisedAddress", name,
                        "PULSAR_PREFIX_useHostNameAsBookieID", "true",
                        "PULSAR_PREFIX_extraServerComponents",
                                "org.apache.bookkeeper.stream.server.StreamStorageLifecycleComponent",
                        "PULSAR_PREFIX_journalSyncData", "false",
                        "PULSAR_PREFIX_dbStorage_writeCacheMaxSizeMb", "16",
                        "PULSAR_PREFIX_dbStorage_readAheadCacheMaxSizeMb", "16",
                        "PULSAR_PREFIX_diskUsageThreshold", "0.99",
                        "PULSAR_PREFIX_diskUsageWarnThreshold", "0.98"))
                .withExposedPorts(3181)
                .waitingFor(Wait.forListeningPort());
    }

    private GenericContainer<?> broker(int index) {
        String name = "broker-" + index;
        String worker = "sed -i"
                + " -e 's|^failureCheckFreqMs:.*|failureCheckFreqMs: " + FAILURE_CHECK_MS + "|'"
                + " -e 's|^rescheduleTimeoutMs:.*|rescheduleTimeoutMs: " + RESCHEDULE_TIMEOUT_MS + "|'"
                + " -e 's|^numFunctionPackageReplicas:.*|numFunctionPackageReplicas: " + BOOKIES + "|'"
                + " -e 's|^functionsWorkerEnablePackageManagement:.*|functionsWorkerEnablePackageManagement: true|'"
                + " -e 's|^# stateStorageServiceUrl:.*|stateStorageServiceUrl: bk://bookie-0:4181|'"
                + " conf/functions_worker.yml"
                + " && grep -q '^stateStorageServiceUrl: bk://bookie-0:4181' conf/functions_worker.yml";
        return role(name, worker + " && bin/apply-config-from-env.py conf/broker.conf && exec bin/pulsar broker")
                .withEnv("PULSAR_MEM", "-Xms256m -Xmx768m -XX:MaxDirectMemorySize=512m")
                .withEnv(Map.of(
                        "PULSAR_PREFIX_clusterName",
                        CLUSTER_NAME,
                        "PULSAR_PREFIX_metadataStoreUrl",
                        METADATA,
                        "PULSAR_PREFIX_configurationMetadataStoreUrl",
                        METADATA,
                        "PULSAR_PREFIX_bookkeeperMetadataServiceUri",
                        LEDGERS,
                        "PULSAR_PREFIX_advertisedAddress",
                        name,
                        "PULSAR_PREFIX_metadataStoreSessionTimeoutMillis",
                        "10000",
                        "PULSAR_PREFIX_functionsWorkerEnabled",
                        "true",
                        "PULSAR_PREFIX_enablePackagesManagement",
                        "true",
                        "PULSAR_PREFIX_functionsWorkerEnablePackageManagement",
                        "true",
                        "PULSAR_PREFIX_packagesReplicas",
                        String.valueOf(BOOKIES)))
                .withEnv("PULSAR_PREFIX_managedLedgerDefaultEnsembleSize", String.valueOf(BOOKIES))
                .withEnv("PULSAR_PREFIX_managedLedgerDefaultWriteQuorum", String.valueOf(BOOKIES))
                .withEnv("PULSAR_PREFIX_managedLedgerDefaultAckQuorum", String.valueOf(BOOKIES))
                .withExposedPorts(6650, 8080)
                .waitingFor(
                        Wait.forHttp("/admin/v2/brokers/ready").forPort(8080).forStatusCode(200));
    }

    private void startAll(List<GenericContainer<?>> containers) {
        containers.forEach(container -> container.withStartupTimeout(remaining()));
        try {
            Startables.deepStart(containers).join();
        } catch (RuntimeException e) {
            StringBuilder logs = new StringBuilder();
            for (GenericContainer<?> container : containers) {
                logs.append("\n--- ")
                        .append(container
                                .getNetworkAliases()
                                .get(container.getNetworkAliases().size() - 1))
                        .append(" ---\n")
                        .append(container.getContainerId() == null ? "" : tail(container.getLogs(), 30));
            }
            throw new IllegalStateException(
                    "the cluster did not start within " + startup + ": " + e.getMessage() + logs, e);
        }
    }

    private void initializeMetadata() {
        String webServices = String.join(
                ",",
                IntStream.range(0, brokerCount)
                        .mapToObj(i -> "broker-" + i + ":8080")
                        .toList());
        String brokerServices = String.join(
                ",",
                IntStream.range(0, brokerCount)
                        .mapToObj(i -> "broker-" + i + ":6650")
                        .toList());
        ExecResult result = exec(
                zookeeper,
                "bin/pulsar",
                "initialize-cluster-metadata",
                "--cluster",
                CLUSTER_NAME,
                "--metadata-store",
                METADATA,
                "--configuration-metadata-store",
                METADATA,
                "--web-service-url",
                "http://" + webServices,
                "--broker-service-url",
                "pulsar://" + brokerServices);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException("initialize-cluster-metadata failed (exit " + result.getExitCode() + "):\n"
                    + tail(result.getStdout() + result.getStderr(), 30));
        }
    }

    private void awaitWorkers() {
        Path examples = null;
        try {
            Awaitility.await("all " + brokerCount + " functions workers in the cluster")
                    .atMost(remaining())
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(PulsarAdminException.class)
                    .until(() -> {
                        if (!proxy.isRunning()) {
                            throw new IllegalStateException(
                                    "the proxy stopped while the cluster started:\n" + tail(proxy.getLogs(), 30));
                        }
                        for (int i = 0; i < brokers.size(); i++) {
                            if (!brokers.get(i).isRunning()) {
                                throw new IllegalStateException("broker-" + i + " stopped while the cluster started:\n"
                                        + tail(brokers.get(i).getLogs(), 30));
                            }
                        }
                        return admin().worker().getCluster().size() == brokerCount;
                    });
            // uploaded: the worker refuses file: URLs outside its own directories
            examples = Files.createTempFile("api-examples", ".jar");
            brokers.get(0).copyFileFromContainer("/pulsar/examples/api-examples.jar", examples.toString());
            FunctionsWorker.awaitReady(admin(), examples, remaining());
        } catch (IOException e) {
            throw new UncheckedIOException("copying Pulsar's example functions out of broker-0", e);
        } catch (ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (int i = 0; i < brokers.size(); i++) {
                logs.append("\n--- broker-")
                        .append(i)
                        .append(" ---\n")
                        .append(tail(brokers.get(i).getLogs(), 30));
            }
            throw new IllegalStateException(
                    "the functions workers are not ready within the start-up deadline of " + startup + ": "
                            + e.getMessage() + logs,
                    e);
        } finally {
            if (examples != null) {
                examples.toFile().delete();
            }
        }
    }

    private Duration remaining() {
        Duration left = startup.minusNanos(System.nanoTime() - startingAt);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    /** @return the proxy's broker URL, {@code pulsar://host:port} */
    public String serviceUrl() {
        return "pulsar://" + proxy.getHost() + ":" + proxy.getMappedPort(6650);
    }

    /** @return the proxy's web service URL, {@code http://host:port} */
    public String adminUrl() {
        return "http://" + proxy.getHost() + ":" + proxy.getMappedPort(8080);
    }

    /**
     * An admin client through the proxy, created on first use and closed with the cluster.
     *
     * @return the admin client
     */
    public synchronized PulsarAdmin admin() {
        if (admin == null) {
            try {
                admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl()).build();
            } catch (PulsarClientException e) {
                throw new IllegalStateException("admin client for " + adminUrl() + ": " + e.getMessage(), e);
            }
        }
        return admin;
    }

    /**
     * A client through the proxy, created on first use and closed with the cluster.
     *
     * @return the client
     */
    public synchronized PulsarClient client() {
        if (client == null) {
            try {
                client = PulsarClient.builder().serviceUrl(serviceUrl()).build();
            } catch (PulsarClientException e) {
                throw new IllegalStateException("client for " + serviceUrl() + ": " + e.getMessage(), e);
            }
        }
        return client;
    }

    /** @return how many brokers (and functions workers) the cluster was started with */
    public int brokerCount() {
        return brokerCount;
    }

    /**
     * The functions worker id of a broker, as {@code functions status} reports it for the
     * instances that broker runs.
     *
     * @param broker the broker's index, from 0
     * @return its worker id, e.g. {@code c-wasm-cluster-fw-broker-0-8080}
     * @throws IllegalStateException if no worker of the cluster lives on that broker
     */
    public String workerId(int broker) {
        String host = "broker-" + broker;
        try {
            return admin().worker().getCluster().stream()
                    .filter(info -> info.getWorkerHostname().equals(host))
                    .map(WorkerInfo::getWorkerId)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no functions worker on " + host));
        } catch (PulsarAdminException e) {
            throw new IllegalStateException("listing the cluster's workers: " + e.getMessage(), e);
        }
    }

    /**
     * Kills a broker as a crash would ({@code docker kill}: SIGKILL to the broker and every function
     * instance it started), without a graceful stop.
     *
     * @param broker the broker's index, from 0
     */
    public void kill(int broker) {
        DockerClientFactory.instance()
                .client()
                .killContainerCmd(brokers.get(broker).getContainerId())
                .exec();
    }

    /**
     * Copies a local file into one broker's container only — what a {@code file://} module looks
     * like when it was shipped to one machine of a cluster and not the others.
     *
     * @param broker the broker's index, from 0
     * @param file a local file
     * @return its {@code file://} URL inside that container
     */
    public String copyToWorker(int broker, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("not a file: " + file.toAbsolutePath());
        }
        String target = UPLOADS + file.getFileName();
        brokers.get(broker).copyFileToContainer(MountableFile.forHostPath(file), target);
        return "file://" + target;
    }

    /**
     * Creates a function and waits until all its instances run and have subscribed, as
     * {@link PulsarWasmContainer#deploy} does.
     *
     * @param config the function's configuration
     * @param jar a local NAR (uploaded to the cluster) or a {@code function://} package URL
     */
    public void deploy(FunctionConfig config, String jar) {
        FunctionDeployment.deploy(admin(), config, jar, this::functionLog);
    }

    /**
     * The log of a function's first instance, from whichever live broker ran it last.
     *
     * @param tenant the function's tenant
     * @param namespace the function's namespace
     * @param name the function's name
     * @return the log so far, empty if no live broker has one
     */
    public String functionLog(String tenant, String namespace, String name) {
        return functionLog(tenant, namespace, name, 0);
    }

    /**
     * The log of one instance of a function, from every live broker that ran it (an instance that
     * moved has a log on each), each under a line naming the broker.
     *
     * @param tenant the function's tenant
     * @param namespace the function's namespace
     * @param name the function's name
     * @param instance the instance id, from 0
     * @return the logs so far, empty if no live broker has one
     */
    public String functionLog(String tenant, String namespace, String name, int instance) {
        StringBuilder logs = new StringBuilder();
        String path = "/pulsar/logs/functions/" + tenant + "/" + namespace + "/" + name + "/" + name + "-" + instance
                + ".log";
        for (int i = 0; i < brokers.size(); i++) {
            GenericContainer<?> broker = brokers.get(i);
            if (!broker.isRunning()) {
                continue;
            }
            ExecResult cat = exec(broker, "cat", path);
            if (cat.getExitCode() == 0) {
                logs.append("--- broker-")
                        .append(i)
                        .append(' ')
                        .append(path)
                        .append(" ---\n")
                        .append(cat.getStdout());
            }
        }
        return logs.toString();
    }

    /**
     * A broker's own log (its container's output, the functions worker's included), what a worker
     * did about a function that never answers: downloading its package, starting, stopping.
     *
     * @param broker the broker's index, from 0
     * @return the log so far
     */
    public String brokerLog(int broker) {
        return brokers.get(broker).getLogs();
    }

    /**
     * Runs a command in a broker's container, e.g. {@code bin/pulsar-admin}.
     *
     * @param broker the broker's index, from 0
     * @param command the command and its arguments
     * @return its exit code and output
     */
    public ExecResult exec(int broker, String... command) {
        return exec(brokers.get(broker), command);
    }

    private static ExecResult exec(GenericContainer<?> container, String... command) {
        try {
            return container.execInContainer(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Closes the clients, then stops every container (a killed one included) and the network. */
    @Override
    public void close() {
        synchronized (this) {
            closeQuietly(client);
            closeQuietly(admin);
            client = null;
            admin = null;
        }
        List<GenericContainer<?>> all = new ArrayList<>();
        if (proxy != null) {
            all.add(proxy);
        }
        all.addAll(brokers);
        all.addAll(bookies);
        if (zookeeper != null) {
            all.add(zookeeper);
        }
        all.forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    private static String tail(String text, int lines) {
        return FunctionDeployment.tail(text, lines);
    }
}
