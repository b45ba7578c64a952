package io.pulsarwasm.function;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.engine.WasmSession;
import io.pulsarwasm.host.Host;
import java.util.Map;

/**
 * One function instance at run time: its user config parsed whole — the engine's {@code wasm.*}
 * keys and its function class's own ({@code wasm.record.*}) — its module loaded and checked against
 * the class, and one guest started over a {@link Host}. Each function class runs on one inside
 * Pulsar; the tester runs on one over an in-memory host; a packager checks a config with {@link
 * #configure}.
 *
 * <p>Serves one thread, as its guest does.
 *
 * @param <I> the function's input type
 * @param <O> the function's output type
 */
public final class FunctionRuntime<I, O> implements AutoCloseable {

    private final AbstractWasmFunction<I, O> function;
    private final Host host;
    private final FailureReports failures;
    /** The guest's host when trace contexts are carried on ({@value TraceContext#KEY}), else null. */
    private final TracingHost tracing;

    private WasmSession session;

    private FunctionRuntime(
            AbstractWasmFunction<I, O> function,
            Host host,
            FailureReports failures,
            TracingHost tracing,
            WasmSession session) {
        this.function = function;
        this.host = host;
        this.failures = failures;
        this.tracing = tracing;
        this.session = session;
    }

    /**
     * Parses a function's user config as {@link #open} does, without loading anything: the check a
     * packager makes before it builds a NAR.
     *
     * @param function the function class's instance
     * @param userConfig the user config, as Pulsar parses it from JSON
     * @return the engine's part of it
     * @throws IllegalArgumentException naming a key that is unknown or wrong
     */
    public static WasmConfig configure(AbstractWasmFunction<?, ?> function, Map<String, ?> userConfig) {
        return function.configure(userConfig);
    }

    /**
     * Starts a function: parses its user config, loads its module, and starts its guest (whose
     * {@code init} runs) over the host.
     *
     * @param function the function class's instance; it keeps what its own keys configure
     * @param userConfig the user config, as Pulsar parses it from JSON
     * @param host the guest's world (a record function adds the encoding of what its guest publishes)
     * @return the running function
     * @throws IllegalArgumentException naming a key that is unknown or wrong
     * @throws WasmLoadException if the module cannot be loaded, does not fit the class, or its {@code init} fails
     */
    public static <I, O> FunctionRuntime<I, O> open(
            AbstractWasmFunction<I, O> function, Map<String, ?> userConfig, Host host) {
        WasmConfig config = function.configure(userConfig);
        FailureReports failures = FailureReports.parse(userConfig);
        TracingHost tracing = TraceContext.enabled(userConfig) ? TracingHost.over(host) : null;
        Host guestHost = function.guestHost(tracing != null ? tracing : host);
        return new FunctionRuntime<>(
                function, host, failures, tracing, new WasmSession(function.load(config, guestHost), guestHost));
    }

    /**
     * Passes one input to the guest. A null input (a message without a value) produces no output;
     * see {@link WasmSession} for what happens to the guest instance when a call fails. With user
     * config {@value FailureReports#TOPIC}, a failed call is reported to that topic before its
     * failure is thrown. An input with a W3C {@code traceparent} gives its output the function's
     * own span in the same trace ({@link TracingHost}).
     *
     * @param input the input
     * @return the output, or null for none
     */
    public O process(I input) {
        if (input == null) {
            return null;
        }
        if (session == null) {
            throw new IllegalStateException("the function is closed");
        }
        if (tracing != null) {
            tracing.begin();
        }
        try {
            O output = function.call(session, input);
            if (tracing == null) {
                return output;
            }
            return tracing.outputProperties()
                    .map(properties -> function.traced(output, properties))
                    .orElse(output);
        } catch (RuntimeException failure) {
            failed(failure, function.failureInput(input));
            throw failure;
        } finally {
            if (tracing != null) {
                tracing.end();
            }
        }
    }

    /**
     * Reports a failed call to {@value FailureReports#TOPIC} when that is set: what {@link #process}
     * does, for a failure before the guest was called (a window over its limits).
     *
     * @param failure the failure
     * @param input the input as the report carries it
     */
    void failed(RuntimeException failure, byte[] input) {
        if (failures.enabled()) {
            failures.report(session, host, failure, input);
        }
    }

    /** @return the host underneath the guest's, where the function's own log lines go */
    Host host() {
        return host;
    }

    /** Runs the guest's {@code close} export and releases the guest. */
    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
