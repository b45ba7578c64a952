package io.pulsarwasm.engine;

/**
 * How guest code runs, per function from user config {@value #KEY} (see {@link WasmConfig}).
 *
 * <p>{@link #COMPILER} is the default: Endive translates the module to JVM bytecode once per
 * module per JVM (shared by every instance), which runs compute-heavy guests 10–60 times faster
 * than the interpreter and a tiny call several times faster, for a one-off cost at
 * {@code initialize}. {@link #AOT} moves that cost to the build.
 */
public enum ExecutionMode {
    /** Endive's interpreter: no start-up cost, slowest per call. */
    INTERPRETER,
    /** Endive's runtime compiler, compiled once per module per JVM. */
    COMPILER,
    /**
     * Classes generated at build time by {@code endive-compiler-maven-plugin}, named by
     * {@value #AOT_CLASS_KEY} (default: the function class's name followed by {@code Module}).
     */
    AOT;

    /** User config key choosing the mode: {@code interpreter}, {@code compiler} or {@code aot}. */
    public static final String KEY = "wasm.execution";

    /** User config key naming the class the build generated for {@link #AOT}. */
    public static final String AOT_CLASS_KEY = "wasm.aot.class";
}
