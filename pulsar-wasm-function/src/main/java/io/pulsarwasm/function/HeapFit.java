package io.pulsarwasm.function;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a guest at its memory limit fits the JVM it runs in. A guest's linear memory lives on the
 * JVM heap, and growing it copies it into a larger buffer, so at the moment it reaches {@code
 * wasm.max-memory-pages} the old and the new buffer are both alive: about twice the limit. Where the
 * heap's maximum ({@code -Xmx}; Pulsar's process and Kubernetes runtimes set it from {@code --ram})
 * is not larger than that, one guest can run the instance out of memory, so the function says so
 * when it starts rather than when it fails.
 */
final class HeapFit {

    private static final long PAGE_BYTES = 64L * 1024;
    private static final double MIB = 1024.0 * 1024.0;

    private HeapFit() {}

    /**
     * @param module the module's name, for the message
     * @param maxPages the guest's memory limit, in 64 KiB pages
     * @param maxHeapBytes the JVM's maximum heap ({@link Runtime#maxMemory()})
     * @return the warning to log, or empty where twice the guest's limit is below the heap's maximum
     */
    static Optional<String> warning(String module, long maxPages, long maxHeapBytes) {
        long guestBytes = maxPages * PAGE_BYTES;
        if (2 * guestBytes < maxHeapBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "wasm module '%s' may grow its memory to %.0f MiB (user config wasm.max-memory-pages=%d), and "
                        + "growing copies it (%.0f MiB at once), but this JVM's heap is at most %.0f MiB (-Xmx; "
                        + "Pulsar sets it from --ram): a guest at its limit can run the instance out of memory. "
                        + "Give it more --ram than %.0f MiB plus what the instance itself needs, or lower "
                        + "wasm.max-memory-pages",
                module,
                guestBytes / MIB,
                maxPages,
                2 * guestBytes / MIB,
                maxHeapBytes / MIB,
                2 * guestBytes / MIB));
    }
}
