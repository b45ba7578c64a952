package io.pulsarwasm.testing.pulsar;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.pulsar.PulsarVersion;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitAllStrategy;
import org.testcontainers.pulsar.PulsarContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A Pulsar standalone in a Docker container, ready to run wasm functions end to end: the functions
 * worker and function state (stream storage) on, and the few steps a function's test needs —
 * deploy a NAR, copy a module where the worker reads it, send, read, look at an instance's log.
 *
 * <pre>{@code
 * try (PulsarWasmContainer pulsar = new PulsarWasmContainer()) {
 *     pulsar.start();
 *     pulsar.deploy(FunctionConfig.builder().name("wordcount").className("io.pulsarwasm.function.WasmStringFunction")
 *             .inputs(List.of("lines")).output("counts")
 *             .userConfig(Map.of("wasm.module", pulsar.copyToWorker(Path.of("wordcount.wasm")))).build(),
 *             Path.of("target/nars/pulsar-wasm-function-0.1.0-SNAPSHOT-nar.nar"));
 *     try (TopicReader<String> counts = pulsar.read("counts", Schema.STRING)) {
 *         pulsar.send("lines", Schema.STRING, "Hello world", "hello again, World!");
 *         assertEquals(List.of("2", "3"), counts.take(2, Duration.ofSeconds(30)));
 *     }
 * }
 * }</pre>
 *
 * <p>The image defaults to the official {@code apachepulsar/pulsar} of the version this artifact
 * was built against; any image laid out like it works (see docs/testing.md for building one where no
 * registry is reachable). Starting takes about 30 seconds on an idle machine; the whole start is
 * under one deadline, {@link #DEFAULT_STARTUP_TIMEOUT} unless {@link #withStartupTimeout} or the
 * system property {@value #STARTUP_TIMEOUT_PROPERTY} says otherwise.
 *
 * <p>Over 300 lines because it is a user's whole Pulsar fixture (start under one deadline, deploy,
 * wait for subscriptions, read logs), each step short and documented.
 */
public class PulsarWasmContainer extends PulsarContainer {

    /** The official image of the Pulsar version on the classpath (the client's), e.g. {@code apachepulsar/pulsar:4.0.8}. */
    public static final DockerImageName DEFAULT_IMAGE =
            DockerImageName.parse("apachepulsar/pulsar:" + PulsarVersion.getVersion());

    private static final String UPLOADS = "/pulsar/uploads/";
    /**
     * The system property that sets the default start-up deadline, as an ISO-8601 duration
     * ({@code -Dpulsarwasm.startup-timeout=PT10M}); without it, {@link #DEFAULT_STARTUP_TIMEOUT}.
     */
    public static final String STARTUP_TIMEOUT_PROPERTY = "pulsarwasm.startup-timeout";
    /**
     * How long {@link #start()} may take in all by default — the container's start, Pulsar answering
     * on HTTP (ZooKeeper mode and stream storage included) and the functions worker accepting a
     * function: five minutes, for a busy CI machine (two other standalones on 2 cores took more
     * than a minute).
     */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private static final String TRANSACTIONS_ENV = "PULSAR_PREFIX_transactionCoordinatorEnabled";

    private Duration startup = defaultStartupTimeout();
    private long startingAt;

    private PulsarAdmin admin;
    private PulsarClient client;

    /** A container of {@link #DEFAULT_IMAGE}. */
    public PulsarWasmContainer() {
        this(DEFAULT_IMAGE);
    }

    /**
     * A container of another image laid out like the official one ({@code /pulsar}, with
     * {@code bin/apply-config-from-env.py}).
     *
     * @param image the image
     */
    public PulsarWasmContainer(DockerImageName image) {
        super(image.asCompatibleSubstituteFor("apachepulsar/pulsar"));
        withFunctionsWorker();
        // ZooKeeper mode is the standalone mode that starts stream storage, which function state needs
        withEnv("PULSAR_STANDALONE_USE_ZOOKEEPER", "1");
    }

    /**
     * Sets the one deadline of the whole {@link #start()}: the container's start, Pulsar's HTTP
     * readiness (Testcontainers' own wait for it included, which otherwise has a deadline of its
     * own), and the functions worker's readiness.
     *
     * @param startupTimeout the deadline
     * @return this container
     */
    @Override
    public PulsarWasmContainer withStartupTimeout(Duration startupTimeout) {
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("a start-up timeout must be positive, got " + startupTimeout);
        }
        this.startup = startupTimeout;
        return this;
    }

    /** @return the deadline of {@link #start()} */
    public Duration startupTimeout() {
        return startup;
    }

    @Override
    protected void configure() {
        startingAt = System.nanoTime();
        super.configure();
        // PulsarContainer's own wait has a deadline of its own; one deadline for the whole start instead
        int httpPort = 8080;
        String cluster = getEnvMap().getOrDefault("PULSAR_PREFIX_clusterName", "standalone");
        WaitAllStrategy wait = new WaitAllStrategy(WaitAllStrategy.Mode.WITH_MAXIMUM_OUTER_TIMEOUT)
                .withStrategy(Wait.forHttp("/admin/v2/clusters")
                        .forPort(httpPort)
                        .forResponsePredicate(("[\"" + cluster + "\"]")::equals));
        if ("true".equals(getEnvMap().get(TRANSACTIONS_ENV))) {
            wait.withStrategy(
                    Wait.forHttp("/admin/v2/persistent/pulsar/system/transaction_coordinator_assign/partitions")
                            .forPort(httpPort)
                            .forStatusCode(200));
        }
        setWaitStrategy(wait.withStartupTimeout(startup));
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse info) {
        super.containerIsStarted(info);
        awaitFunctionsWorker();
    }

    /** What is left of the start-up deadline (at least a second, so that a last check is made). */
    private Duration remaining() {
        Duration left = startup.minusNanos(System.nanoTime() - startingAt);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private static Duration defaultStartupTimeout() {
        String value = System.getProperty(STARTUP_TIMEOUT_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_STARTUP_TIMEOUT;
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "system property " + STARTUP_TIMEOUT_PROPERTY + " must be an ISO-8601 duration such as PT10M, got '"
                            + value + "'",
                    e);
        }
    }

    private void awaitFunctionsWorker() {
        Path examples = null;
        try {
            // uploaded: the worker refuses file: URLs outside its own directories
            examples = Files.createTempFile("api-examples", ".jar");
            copyFileFromContainer("/pulsar/examples/api-examples.jar", examples.toString());
            FunctionsWorker.awaitReady(admin(), examples, remaining());
        } catch (IOException e) {
            throw new UncheckedIOException("copying Pulsar's example functions out of the container", e);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "the functions worker of " + getContainerName() + " is not ready within the "
                            + "start-up deadline of " + startup + " (withStartupTimeout, or -D"
                            + STARTUP_TIMEOUT_PROPERTY + "): "
                            + e.getMessage() + "\n" + tail(getLogs(), 40),
                    e);
        } finally {
            if (examples != null) {
                examples.toFile().delete();
            }
        }
    }

    /**
     * Whether the local Docker engine has an image (so that starting a container of it needs no
     * registry).
     *
     * @param image the image
     * @return true if the engine runs and has it
     */
    public static boolean imagePresent(DockerImageName image) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return false;
        }
        try {
            DockerClientFactory.instance()
                    .client()
                    .inspectImageCmd(image.asCanonicalNameString())
                    .exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * An admin client for this container, created on first use and closed with it.
     *
     * @return the admin client
     */
    public synchronized PulsarAdmin admin() {
        if (admin == null) {
            try {
                admin = PulsarAdmin.builder()
                        .serviceHttpUrl(getHttpServiceUrl())
                        .build();
            } catch (PulsarClientException e) {
                throw new IllegalStateException("admin client for " + getHttpServiceUrl() + ": " + e.getMessage(), e);
            }
        }
        return admin;
    }

    /**
     * A client for this container, created on first use and closed with it.
     *
     * @return the client
     */
    public synchronized PulsarClient client() {
        if (client == null) {
            try {
                client = PulsarClient.builder().serviceUrl(getPulsarBrokerUrl()).build();
            } catch (PulsarClientException e) {
                throw new IllegalStateException("client for " + getPulsarBrokerUrl() + ": " + e.getMessage(), e);
            }
        }
        return client;
    }

    /**
     * Copies a local file (a {@code .wasm} module, a WASI directory's file) into the container,
     * where function instances can read it.
     *
     * @param file a local file
     * @return its {@code file://} URL inside the container, e.g. for {@code wasm.module}
     */
    public String copyToWorker(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("not a file: " + file.toAbsolutePath());
        }
        String target = UPLOADS + file.getFileName();
        copyFileToContainer(MountableFile.forHostPath(file), target);
        return "file://" + target;
    }

    /**
     * Creates a function from a NAR and waits until all its instances run. Tenant and namespace
     * default to {@code public/default}, the runtime to Java, and the subscription position to
     * the earliest message, so that nothing sent after this returns is missed.
     *
     * @param config the function's configuration, as {@code pulsar-admin functions create} takes it
     * @param nar the NAR (or JAR) holding the function class, e.g. pulsar-wasm's generic NAR
     * @throws IllegalStateException if the function is refused or its instances do not all run
     *     within two minutes; the message carries the first instance's log
     */
    public void deploy(FunctionConfig config, Path nar) {
        FunctionDeployment.deploy(admin(), config, nar, this::functionLog);
    }

    /**
     * Sends values to a topic, one message each, and returns once all are stored.
     *
     * @param topic the topic
     * @param schema the values' schema
     * @param values the values, in order
     * @param <T> the value type
     */
    @SafeVarargs
    public final <T> void send(String topic, Schema<T> schema, T... values) {
        try (Producer<T> producer = client().newProducer(schema).topic(topic).create()) {
            for (T value : values) {
                producer.send(value);
            }
        } catch (PulsarClientException e) {
            throw new IllegalStateException("sending to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a topic from its earliest message, so values sent before this call are read too.
     *
     * @param topic the topic
     * @param schema the values' schema
     * @param <T> the value type
     * @return a reader; close it when done
     */
    public <T> TopicReader<T> read(String topic, Schema<T> schema) {
        return TopicReader.subscribe(client(), topic, schema);
    }

    /**
     * The log of a function's first instance, where a wasm function's guest logs go.
     *
     * @param tenant the function's tenant
     * @param namespace the function's namespace
     * @param name the function's name
     * @return the log so far, empty if there is none yet
     */
    public String functionLog(String tenant, String namespace, String name) {
        ExecResult cat =
                exec("cat", "/pulsar/logs/functions/" + tenant + "/" + namespace + "/" + name + "/" + name + "-0.log");
        return cat.getExitCode() == 0 ? cat.getStdout() : "";
    }

    /**
     * Runs a command in the container.
     *
     * @param command the command and its arguments
     * @return its exit code and output
     */
    public ExecResult exec(String... command) {
        try {
            return execInContainer(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Closes the clients this container handed out, then stops it. */
    @Override
    public void stop() {
        synchronized (this) {
            closeQuietly(client);
            closeQuietly(admin);
            client = null;
            admin = null;
        }
        super.stop();
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
