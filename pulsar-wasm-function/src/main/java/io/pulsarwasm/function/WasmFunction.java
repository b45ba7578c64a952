package io.pulsarwasm.function;

import io.pulsarwasm.loader.WasmInstance;
import io.pulsarwasm.loader.WasmLoader;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * A Pulsar Function whose logic is a WebAssembly module exporting {@code process(i64) -> i64}
 * (PIP-331).
 *
 * <p>The module is the user config value {@value #MODULE_KEY} when set
 * ({@code classpath:<resource>}, {@code file:///<absolute path>} or a URL); otherwise the
 * resource named after the concrete class, {@code <fully.qualified.ClassName>.wasm}, so that
 * {@code class Doubler extends WasmFunction {}} next to {@code my.pkg.Doubler.wasm} is a complete
 * function. The guest's optional {@code init} and {@code close} exports run from
 * {@link #initialize} and {@link #close}.
 *
 * <p>Each function instance owns one guest instance: Chicory instances are not thread-safe, and
 * Pulsar calls {@link #process} of one function instance from one thread.
 */
public class WasmFunction implements Function<Long, Long> {

    /** User config key naming the module to run. Part of the public contract. */
    public static final String MODULE_KEY = "wasm.module";

    private WasmLoader loader;
    private WasmInstance guest;

    @Override
    public void initialize(Context context) {
        String location = context.getUserConfigValue(MODULE_KEY)
                .map(String::valueOf)
                .orElseGet(this::defaultModuleLocation);
        loader = WasmLoader.fromLocation(location, getClass().getClassLoader());
        guest = loader.newInstance(context);
        context.getLogger().info("pulsar-wasm: loaded module '{}' for {}", loader.name(), context.getFunctionName());
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
     * Passes the input to the guest's {@code process} and returns its result. A null input (a
     * message without a value) produces no output.
     */
    @Override
    public Long process(Long input, Context context) {
        if (input == null) {
            return null;
        }
        return guest.process(input, context);
    }

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
    }
}
