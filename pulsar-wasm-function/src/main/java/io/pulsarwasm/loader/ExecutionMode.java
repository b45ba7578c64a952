package io.pulsarwasm.loader;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How guest code runs, per function from user config {@value #KEY}.
 *
 * <p>{@link #COMPILER} is the default: Chicory translates the module to JVM bytecode once per
 * module per JVM (shared by every instance), which runs compute-heavy guests 10–60 times faster
 * than the interpreter and a tiny call several times faster, for a one-off cost at
 * {@code initialize}. {@link #AOT} moves that cost to the build.
 */
public enum ExecutionMode {
    /** Chicory's interpreter: no start-up cost, slowest per call. */
    INTERPRETER,
    /** Chicory's runtime compiler, compiled once per module per JVM. */
    COMPILER,
    /**
     * Classes generated at build time by {@code chicory-compiler-maven-plugin}, named by
     * {@value #AOT_CLASS_KEY} (default: the function class's name followed by {@code Module}).
     */
    AOT;

    /** User config key choosing the mode: {@code interpreter}, {@code compiler} or {@code aot}. */
    public static final String KEY = "wasm.execution";

    /** User config key naming the class the build generated for {@link #AOT}. */
    public static final String AOT_CLASS_KEY = "wasm.aot.class";

    /**
     * Reads the mode from user config.
     *
     * @param config looks a user config key up
     * @return the mode; {@link #COMPILER} when unset
     * @throws IllegalArgumentException naming the key, if the value is not a mode
     */
    public static ExecutionMode fromConfig(Function<String, Optional<Object>> config) {
        String value = config.apply(KEY).map(String::valueOf).orElse("compiler");
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user config " + KEY + " must be interpreter, compiler or aot, got '"
                    + value + "'", e);
        }
    }
}
