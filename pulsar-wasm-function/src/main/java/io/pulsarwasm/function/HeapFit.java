package io.pulsarwasm.function;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a guest at its memory limit fits the JVM it runs in. A guest's linear memory lives on the
 * JVM heap. A module with a limit over 256 pages keeps it in 64 KiB pages that growing adds without
 * copying the ones before, so at {@code wasm.max-memory-pages} it holds that much heap. The
 * JavaScript engine's memory, and a smaller module's, is one array, for speed, and growing copies
 * it into a larger one: while it does, the heap holds the old memory and the new, nearly twice the
 * limit ({@code WasmLoader.memoryGrowthCopies}). The instance itself (Pulsar's client, the engine,
 * the module's compiled code, the messages in flight) needs the rest. Where a paged memory's limit
 * is half the heap's maximum ({@code -Xmx}; Pulsar's process and Kubernetes runtimes set it from
 * {@code --ram}) or more, or a copied memory's a quarter or more, one guest can run the instance
 * out of memory, so the function says so when it starts rather than when it fails.
 */
final class HeapFit {

    private static final long PAGE_BYTES = 64L * 1024;
    private static final double MIB = 1024.0 * 1024.0;

    private HeapFit() {}

    /**
     * @param module the module's name, for the message
     * @param maxPages the guest's memory limit, in 64 KiB pages
     * @param growthCopies whether growing the guest's memory copies it (one array)
     * @param maxHeapBytes the JVM's maximum heap ({@link Runtime#maxMemory()})
     * @return the warning to log, or empty where the guest's limit is less than half the heap's
     *     maximum (a quarter where growing copies)
     */
    static Optional<String> warning(String module, long maxPages, boolean growthCopies, long maxHeapBytes) {
        long guestBytes = maxPages * PAGE_BYTES;
        int share = growthCopies ? 4 : 2;
        if (share * guestBytes < maxHeapBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "wasm module '%s' may grow its memory to %.0f MiB (user config wasm.max-memory-pages=%d), %s "
                        + "more of this JVM's heap, which is at most %.0f MiB (-Xmx; Pulsar sets it from --ram): a "
                        + "guest at its limit can leave the instance too little%s and run it out of memory. Give it "
                        + "more --ram than %.0f MiB, or lower wasm.max-memory-pages",
                module,
                guestBytes / MIB,
                maxPages,
                growthCopies ? "a quarter or" : "half or",
                maxHeapBytes / MIB,
                growthCopies ? " (its memory is one array, which growing copies)" : "",
                share * guestBytes / MIB));
    }
}
