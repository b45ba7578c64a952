package io.pulsarwasm.engine;

import java.time.Duration;

/**
 * What one guest may use, per function, from user config (see {@link WasmConfig}). The defaults are safe for a function
 * written by someone else: 16 MiB of memory, 5 s per message, and Pulsar's default 5 MiB message
 * size for output and for data a host call returns.
 *
 * @param maxMemoryPages wasm pages (64 KiB) a guest instance may have ({@value #MAX_MEMORY_PAGES})
 * @param timeout wall-clock time one call into the guest may take ({@value #TIMEOUT_MS})
 * @param maxOutputBytes largest output a guest may set ({@value #MAX_OUTPUT_BYTES})
 * @param maxHostDataBytes largest value one host call returns into the guest ({@value #MAX_HOST_DATA_BYTES})
 */
public record Limits(int maxMemoryPages, Duration timeout, int maxOutputBytes, int maxHostDataBytes) {

    /** User config key: maximum wasm pages (64 KiB each) per guest instance. */
    public static final String MAX_MEMORY_PAGES = "wasm.max-memory-pages";
    /** User config key: wall-clock milliseconds one call into the guest may take. */
    public static final String TIMEOUT_MS = "wasm.timeout-ms";
    /** User config key: largest output, in bytes, a guest may set. */
    public static final String MAX_OUTPUT_BYTES = "wasm.max-output-bytes";
    /** User config key: largest value, in bytes, one host call returns into the guest. */
    public static final String MAX_HOST_DATA_BYTES = "wasm.max-host-data-bytes";

    /** The defaults: 256 pages (16 MiB), 5000 ms, 5 MiB, 5 MiB. */
    public static final Limits DEFAULTS = new Limits(256, Duration.ofMillis(5000), 5 << 20, 5 << 20);

    /** @return the memory limit as text for messages, e.g. {@code 256 pages (16 MiB)} */
    public String describeMemory() {
        long kib = (long) maxMemoryPages * 64;
        return maxMemoryPages + " pages (" + (kib % 1024 == 0 ? kib / 1024 + " MiB" : kib + " KiB") + ")";
    }
}
