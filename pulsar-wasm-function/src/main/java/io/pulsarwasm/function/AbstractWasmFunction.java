package io.pulsarwasm.function;

import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.loader.ExecutionMode;
import io.pulsarwasm.loader.GuestErrorException;
import io.pulsarwasm.loader.WasmExecutionException;
import io.pulsarwasm.loader.WasmInstance;
import io.pulsarwasm.loader.WasmLoadException;
import io.pulsarwasm.loader.WasmLoader;
import io.pulsarwasm.sandbox.Sandbox;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * What every wasm-backed Pulsar Function shares: finding and loading the module, one guest
 * instance per function instance, and the guest's {@code init}/{@code close} lifecycle.
 *
 * <p>The module is the user config value {@value #MODULE_KEY} when set
 * ({@code classpath:<resource>}, {@code file:///<absolute path>} or a URL); otherwise the resource
 * named after the concrete class, {@code <fully.qualified.ClassName>.wasm} (PIP-331's convention).
 *
 * <p>Each function instance owns one guest instance: Chicory instances are not thread-safe, and
 * Pulsar calls {@link #process} of one function instance from one thread.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public abstract class AbstractWasmFunction<I, O> implements Function<I, O> {

    /** User config key naming the module to run. Part of the public contract. */
    public static final String MODULE_KEY = "wasm.module";

    /**
     * The metric recorded (value 1) each time a guest instance is discarded after a trap, a timeout
     * or a broken host call; {@code functions stats} shows it as {@code user_metric_wasm_instance_recycles_count}.
     */
    public static final String RECYCLES_METRIC = "wasm_instance_recycles";

    private final EntryPoint entryPoint;
    private WasmLoader loader;
    private WasmInstance guest;

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
        String location = context.getUserConfigValue(MODULE_KEY)
                .map(String::valueOf)
                .orElseGet(this::defaultModuleLocation);
        Sandbox sandbox = Sandbox.fromConfig(context::getUserConfigValue);
        ExecutionMode mode = ExecutionMode.fromConfig(context::getUserConfigValue);
        loader = mode == ExecutionMode.AOT
                ? WasmLoader.fromAot(context.getUserConfigValue(ExecutionMode.AOT_CLASS_KEY).map(String::valueOf)
                        .orElse(getClass().getName() + "Module"), getClass().getClassLoader(), sandbox)
                : WasmLoader.fromLocation(location, getClass().getClassLoader(), sandbox).withExecution(mode);
        loader.executionWarning().ifPresent(warning -> context.getLogger().warn("pulsar-wasm: {}", warning));
        if (loader.entryPoint() != entryPoint) {
            throw new WasmLoadException("wasm module '" + loader.name() + "' exports " + loader.entryPoint().describe()
                    + ", but " + getClass().getSimpleName() + " calls " + entryPoint.describe()
                    + "; deploy it with --classname " + classFor(loader.entryPoint()));
        }
        guest = loader.newInstance(context);
        context.getLogger().info("pulsar-wasm: loaded module '{}' for {} ({}, {})", loader.name(),
                context.getFunctionName(), mode.name().toLowerCase(java.util.Locale.ROOT), sandbox.describe());
    }

    /**
     * Where the module is when {@value #MODULE_KEY} is not configured: the PIP-331 convention,
     * a resource named {@code <fully.qualified.ClassName>.wasm}. Subclasses may choose another.
     *
     * @return a location in the form {@value #MODULE_KEY} takes
     */
    protected String defaultModuleLocation() {
        return "classpath:" + getClass().getName() + ".wasm";
    }

    /**
     * Passes the input to the guest and returns its output. A null input (a message without a
     * value) produces no output, and so does a guest that sets none (a filter). After a trap, a
     * timeout or a broken host call the guest instance is discarded, since its memory may be
     * inconsistent, and the next message gets a fresh one; a guest that reports an error with a
     * status keeps its instance.
     */
    @Override
    public O process(I input, Context context) {
        if (input == null) {
            return null;
        }
        if (guest == null) {
            guest = loader.newInstance(context);
        }
        try {
            return call(guest, input, context);
        } catch (GuestErrorException e) {
            throw e;
        } catch (WasmExecutionException e) {
            guest.discard();
            guest = null;
            context.recordMetric(RECYCLES_METRIC, 1);
            context.getLogger().warn("pulsar-wasm: discarded the guest instance after: {}; the next message gets a fresh one",
                    e.getMessage());
            throw e;
        }
    }

    /**
     * Calls the guest for one non-null input.
     *
     * @param guest this function instance's guest
     * @param input the input
     * @param context the context of the message
     * @return the output, or null for none
     */
    protected abstract O call(WasmInstance guest, I input, Context context);

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
    }

    private static String classFor(EntryPoint entryPoint) {
        return entryPoint == EntryPoint.LONG
                ? WasmFunction.class.getName()
                : WasmBytesFunction.class.getName() + " or " + WasmStringFunction.class.getName();
    }
}
