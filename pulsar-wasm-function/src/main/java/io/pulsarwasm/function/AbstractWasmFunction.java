package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.JsInput;
import io.pulsarwasm.engine.Limit;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.engine.WasmLoader;
import io.pulsarwasm.engine.WasmSession;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.apache.pulsar.functions.api.Record;

/**
 * What every wasm-backed Pulsar Function shares: its {@code wasm.*} user config parsed once at
 * {@code initialize}, the module found and loaded, one guest per function instance over a host
 * that maps the ABI onto Pulsar's {@link Context}, and the guest's {@code init}/{@code close}.
 *
 * <p>The module is the user config value {@value #MODULE_KEY} when set
 * ({@code classpath:<resource>}, {@code file:///<absolute path>} or a URL); otherwise the resource
 * named after the concrete class, {@code <fully.qualified.ClassName>.wasm} (PIP-331's convention).
 *
 * <p>A function object serves one thread, as Pulsar runs each function instance: Endive
 * instances are not thread-safe, and a call made while another is in progress fails with an
 * {@link IllegalStateException}. {@code close} runs the guest's {@code close} export; Pulsar calls
 * it when the function instance stops (stop, restart, delete, update).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public abstract class AbstractWasmFunction<I, O> implements Function<I, O> {

    /** User config key naming the module to run. Part of the public contract. */
    public static final String MODULE_KEY = WasmConfig.MODULE;

    /** The class of the context Pulsar's Java instance gives a function (Pulsar 4.0). */
    private static final String PULSAR_CONTEXT = "org.apache.pulsar.functions.instance.ContextImpl";
    /** What a function logs at start inside Pulsar's Java instance, where {@link PulsarHandover} is on. */
    static final String HANDOVER_ON =
            "pulsar-wasm: in Pulsar's Java instance: an output complete when the guest returns goes back as a value";

    private final EntryPoint entryPoint;
    private FunctionRuntime<I, O> runtime;
    /** The instance's context inside Pulsar; null in the tester. */
    private Context pulsarContext;
    /** Inside Pulsar's Java instance: hands it a completed output as a value ({@link PulsarHandover}). */
    private PulsarHandover handover;

    /**
     * Creates a function for modules with the given entry point.
     *
     * @param entryPoint the {@code process} signature this function class calls
     */
    protected AbstractWasmFunction(EntryPoint entryPoint) {
        this.entryPoint = entryPoint;
    }

    @Override
    public void initialize(Context context) {
        start(context, context.getUserConfigMap(), newHost(context));
    }

    /**
     * Opens this function's runtime over a host: what {@link #initialize} does, and what a window
     * function does at its first window (Pulsar does not initialize a window function).
     *
     * @param context the instance's context inside Pulsar (null outside it)
     * @param userConfig the function's user config
     * @param host the host underneath the guest's
     */
    final void start(Context context, Map<String, ?> userConfig, Host host) {
        pulsarContext = context;
        handover = context != null && context.getClass().getName().equals(PULSAR_CONTEXT) ? new PulsarHandover() : null;
        if (handover != null) {
            host.log(LogLevel.INFO, HANDOVER_ON);
        }
        runtime = FunctionRuntime.open(this, userConfig, host);
    }

    /** @return the runtime {@link #initialize} opened, or null before it and after {@link #close} */
    final FunctionRuntime<I, O> runtime() {
        return runtime;
    }

    /**
     * Parses this function's user config: the engine's {@code wasm.*} keys, and those the function
     * class reads itself ({@link #configKeys()}), which a subclass in this package keeps.
     *
     * @param userConfig the function's user config, as Pulsar parsed it from JSON
     * @return the engine's part of it
     * @throws IllegalArgumentException naming a key that is unknown or wrong
     */
    WasmConfig configure(Map<String, ?> userConfig) {
        Set<String> own = new java.util.HashSet<>(configKeys());
        own.addAll(FailureReports.KEYS);
        own.add(TraceContext.KEY);
        FailureReports.parse(userConfig);
        TraceContext.enabled(userConfig);
        return WasmConfig.parse(userConfig, own);
    }

    /**
     * The {@code wasm.*} keys this function class reads itself, beyond the engine's; a subclass
     * that has some reads them in {@link #configure(Map)}.
     *
     * @return the keys (none here)
     */
    protected Set<String> configKeys() {
        return Set.of();
    }

    /**
     * The host the guest sees in a function instance.
     *
     * @param context the instance's context
     * @return a host over it
     */
    protected Host newHost(Context context) {
        return new PulsarHost(context);
    }

    /**
     * The host the guest sees, given the host underneath: that host, unless the class adds to it.
     *
     * @param host the host underneath
     * @return the guest's host
     */
    Host guestHost(Host host) {
        return host;
    }

    /**
     * Loads this function's module for a configuration and checks that the module's entry point is
     * the one this class calls.
     *
     * @param config the parsed user config
     * @param host where the load's log lines go
     * @return the loaded module
     * @throws WasmLoadException if the module cannot be loaded or does not fit this class
     */
    WasmLoader load(WasmConfig config, Host host) {
        WasmLoader loader = WasmLoader.fromConfig(
                        config,
                        getClass().getClassLoader(),
                        defaultModuleLocation(),
                        getClass().getName() + "Module")
                .withJsInput(jsInput());
        loader.executionWarning().ifPresent(warning -> host.log(LogLevel.WARN, "pulsar-wasm: " + warning));
        HeapFit.warning(
                        loader.name(),
                        config.sandbox().limits().get(Limit.MAX_MEMORY_PAGES),
                        loader.memoryGrowthCopies(),
                        Runtime.getRuntime().maxMemory())
                .ifPresent(warning -> host.log(LogLevel.WARN, "pulsar-wasm: " + warning));
        if (loader.entryPoint() != entryPoint) {
            loader.close();
            throw new WasmLoadException("wasm module '" + loader.name() + "' exports "
                    + loader.entryPoint().describe()
                    + ", but " + getClass().getSimpleName() + " calls " + entryPoint.describe()
                    + "; deploy it with --classname " + classFor(loader.entryPoint()));
        }
        host.log(
                LogLevel.INFO,
                "pulsar-wasm: loaded " + (loader.isJavaScript() ? "JavaScript function" : "module") + " '"
                        + loader.name() + "' for " + host.functionName() + " ("
                        + (loader.isJavaScript()
                                ? "QuickJS"
                                : config.execution().name().toLowerCase(Locale.ROOT)) + ", "
                        + config.sandbox().describe() + ")");
        return loader;
    }

    /**
     * How a JavaScript function's {@code process(input, ctx)} receives the input when this class
     * runs one ({@value #MODULE_KEY} ending in {@code .js} or {@code .mjs}).
     *
     * @return the form; text unless a subclass says otherwise
     */
    protected JsInput jsInput() {
        return JsInput.TEXT;
    }

    /**
     * Where the module is when {@value #MODULE_KEY} is not configured: the PIP-331 convention,
     * a resource named {@code <fully.qualified.ClassName>.wasm}, or {@code
     * <fully.qualified.ClassName>.js} for a JavaScript function packaged into a NAR when there is
     * no such {@code .wasm}. Subclasses may choose another.
     *
     * @return a location in the form {@value #MODULE_KEY} takes
     */
    protected String defaultModuleLocation() {
        String wasm = getClass().getName() + ".wasm";
        String script = getClass().getName() + ".js";
        ClassLoader classLoader = getClass().getClassLoader();
        boolean scriptOnly = classLoader.getResource(wasm) == null && classLoader.getResource(script) != null;
        return "classpath:" + (scriptOnly ? script : wasm);
    }

    /**
     * Passes the input to the guest. A null input (a message without a value) produces no output;
     * see {@link WasmSession} for what happens to the guest instance when a call fails.
     *
     * <p>Called by Pulsar's Java instance (its {@code ContextImpl} as the context given at {@link
     * #initialize}), an output already complete is returned as its value even where {@code O} is a
     * future, so that Pulsar sends it from its own thread ({@link PulsarHandover}); any other caller
     * gets {@code O} as declared.
     */
    @Override
    @SuppressWarnings("unchecked")
    public final O process(I input, Context context) {
        O output = processInput(input, context);
        return handover == null ? output : (O) handover.handOver(output);
    }

    /**
     * What {@link #process} does before it hands the output over: the guest's call; a window
     * function deployed without window flags runs a window of one, or cuts event-time windows.
     *
     * @param input the input
     * @param context the instance's context
     * @return the output, or null for none
     */
    O processInput(I input, Context context) {
        return runtime.process(input);
    }

    /**
     * The input's bytes as a failure report carries them ({@link FailureReports}): the bytes, a
     * string's UTF-8, a Long's eight bytes as Pulsar's {@code INT64} schema writes them; a record
     * function gives the message's own bytes.
     *
     * @param input the input of the call that failed
     * @return its bytes
     */
    byte[] failureInput(I input) {
        if (input instanceof byte[] bytes) {
            return bytes;
        }
        if (input instanceof Long value) {
            return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }
        return String.valueOf(input).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The output with the properties of the function's span ({@link TracingHost}): inside Pulsar,
     * a {@link Record} of the value (a record function's {@link RecordOutput} with them), which
     * Pulsar sends with those properties; outside (the tester), the output as it is.
     *
     * @param output the call's output (a value, or a future of one)
     * @param properties the properties the output carries
     * @return what the function returns to Pulsar
     */
    @SuppressWarnings("unchecked")
    O traced(O output, Map<String, String> properties) {
        if (pulsarContext == null || output == null) {
            return output;
        }
        Record<?> source = pulsarContext.getCurrentRecord();
        if (output instanceof CompletableFuture<?> future) {
            return (O) future.thenApply(value -> value == null ? null : carrying(value, source, properties));
        }
        return (O) carrying(output, source, properties);
    }

    private static Object carrying(Object value, Record<?> source, Map<String, String> properties) {
        if (value instanceof RecordOutput record) {
            return record.withProperties(properties);
        }
        if (!(value instanceof byte[] || value instanceof String || value instanceof Long) || source == null) {
            return value;
        }
        return new TracedOutput<>(value, source, properties);
    }

    /**
     * Calls the guest for one non-null input, as {@link FunctionRuntime#process} does.
     *
     * @param session this function instance's guest
     * @param input the input
     * @return the output, or null for none
     */
    protected abstract O call(WasmSession session, I input);

    /**
     * Runs the guest's {@code close} export and releases the guest, its compiled code (once no
     * other instance in this JVM runs the module) and what Pulsar keeps of this function's classes,
     * so that a function deleted from a worker running instances in-process leaves nothing behind.
     */
    @Override
    public void close() {
        try {
            if (runtime != null) {
                runtime.close();
                runtime = null;
            }
        } finally {
            ClassLoaderRelease.release(getClass().getClassLoader());
        }
    }

    private static String classFor(EntryPoint entryPoint) {
        return entryPoint == EntryPoint.LONG
                ? WasmFunction.class.getName()
                : WasmBytesFunction.class.getName() + " or " + WasmStringFunction.class.getName();
    }
}
