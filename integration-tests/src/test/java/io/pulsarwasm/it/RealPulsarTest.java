package io.pulsarwasm.it;

import java.time.Duration;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every class of the suite starts from: the shared Pulsar, a client and an admin client for it.
 */
@ExtendWith(SharedPulsar.class)
abstract class RealPulsarTest {

    static final String NS = "persistent://public/default/";
    static final String LONG_FUNCTION = "io.pulsarwasm.function.WasmFunction";
    static final String BYTES_FUNCTION = "io.pulsarwasm.function.WasmBytesFunction";
    static final String STRING_FUNCTION = "io.pulsarwasm.function.WasmStringFunction";
    /** The PIP-331 style function in the samples NAR. */
    static final String DOUBLER = "io.pulsarwasm.samples.Doubler";
    /**
     * The retry delay of the tests' functions that dead-letter ({@code FunctionConfig.timeoutMs},
     * which Pulsar uses as the negative-acknowledgement redelivery delay and as the acknowledgement
     * timeout): a message failed, retried once and dead-lettered takes about 20 s instead of the two
     * minutes of the client's default delay.
     */
    static final long RETRY_DELAY_MS = 10_000L;
    /**
     * How long a test waits for something that must happen — an output, a log line, a dead letter,
     * an instance running — before it fails. These waits guard liveness, never speed: on a busy
     * 2-core machine (a full build beside other work) a function instance's JVM can take minutes to
     * start, so they are generous; a passing test never waits them out. Speed is measured in the
     * benchmarks only.
     */
    static final Duration LIVENESS = Duration.ofMinutes(5);
    /** How long a test waits for such a message on its dead-letter topic. */
    static final Duration DEAD_LETTER_WAIT = LIVENESS;

    static PulsarCluster pulsar;
    static PulsarClient client;
    static PulsarAdmin admin;

    /**
     * Points the class at the shared cluster and its shared clients. Classes run concurrently; each
     * assigns the same objects, and none closes them (the run does, at its end).
     */
    @BeforeAll
    static void connect(PulsarCluster cluster, SharedPulsar.Clients clients) {
        pulsar = cluster;
        client = clients.client();
        admin = clients.admin();
    }
}
