package io.pulsarwasm.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Whether a guest gets WASI (preview 1), and what it sees through it. Off by default. When on:
 * stdout and stderr go to the function's log, no host directory is visible unless configured,
 * environment and arguments are only what config gives, clocks and random work.
 *
 * @param enabled whether WASI imports are linked ({@value #ENABLED})
 * @param environment environment variables ({@value #ENV}, a JSON object)
 * @param arguments program arguments ({@value #ARGS}, a JSON array)
 * @param directories guest path to host directory ({@value #DIRS}, a JSON object; a host path ending
 *     in {@code :rw} is mounted writable, any other is a private copy whose changes never reach the host)
 */
public record WasiConfig(
        boolean enabled, Map<String, String> environment, List<String> arguments, Map<String, Directory> directories) {

    /** User config key: {@code true} links WASI preview 1. */
    public static final String ENABLED = "wasm.wasi.enabled";
    /** User config key: environment variables, a JSON object of strings. */
    public static final String ENV = "wasm.wasi.env";
    /** User config key: program arguments, a JSON array of strings. */
    public static final String ARGS = "wasm.wasi.args";
    /** User config key: directories, a JSON object from guest path to host path ({@code :rw} for writable). */
    public static final String DIRS = "wasm.wasi.dirs";

    /** WASI off. */
    public static final WasiConfig OFF = new WasiConfig(false, Map.of(), List.of(), Map.of());

    /**
     * A host directory made visible to the guest.
     *
     * @param hostPath the directory on the host
     * @param writable whether the guest writes to it (otherwise it gets a private copy)
     */
    public record Directory(Path hostPath, boolean writable) {}
}
