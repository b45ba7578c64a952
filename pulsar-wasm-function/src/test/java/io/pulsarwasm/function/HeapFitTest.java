package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapFitTest {

    private static final long MIB = 1024L * 1024L;

    @Test
    void theDefaultLimitFitsAnyRealisticHeap() {
        // 256 pages = 16 MiB, one array that growing copies: under a quarter of the heap
        assertEquals(Optional.empty(), HeapFit.warning("f.wasm", 256, true, 64 * MIB + 1));
        assertEquals(Optional.empty(), HeapFit.warning("f.js", 256, true, 64 * MIB + 1));
        assertTrue(HeapFit.warning("f.wasm", 256, true, 64 * MIB).isPresent());
    }

    @Test
    void aLimitOfHalfTheHeapIsNamedWithTheKeyAndRam() {
        // 2048 pages = 128 MiB: exactly half of a 256 MiB heap
        assertEquals(
                Optional.of("wasm module 'upper.wasm' may grow its memory to 128 MiB (user config "
                        + "wasm.max-memory-pages=2048), half or more of this JVM's heap, which is at most 256 MiB "
                        + "(-Xmx; Pulsar sets it from --ram): a guest at its limit can leave the instance too little "
                        + "and run it out of memory. Give it more --ram than 256 MiB, or lower "
                        + "wasm.max-memory-pages"),
                HeapFit.warning("upper.wasm", 2048, false, 256 * MIB));
        assertEquals(Optional.empty(), HeapFit.warning("upper.wasm", 2047, false, 256 * MIB));
    }

    @Test
    void aCopiedMemoryLimitOfAQuarterOfTheHeapIsNamedWithTheCopy() {
        // 1024 pages = 64 MiB: exactly a quarter of a 256 MiB heap
        assertEquals(
                Optional.of("wasm module 'upper.js' may grow its memory to 64 MiB (user config "
                        + "wasm.max-memory-pages=1024), a quarter or more of this JVM's heap, which is at most 256 MiB "
                        + "(-Xmx; Pulsar sets it from --ram): a guest at its limit can leave the instance too little "
                        + "(its memory is one array, which growing copies) and run it out of "
                        + "memory. Give it more --ram than 256 MiB, or lower wasm.max-memory-pages"),
                HeapFit.warning("upper.js", 1024, true, 256 * MIB));
        assertEquals(Optional.empty(), HeapFit.warning("upper.js", 1023, true, 256 * MIB));
        assertEquals(Optional.empty(), HeapFit.warning("upper.wasm", 1024, false, 256 * MIB));
    }

    @Test
    void theLargestLimitOnASmallHeap() {
        // 32767 pages, the key's maximum: just under 2 GiB
        String warning = HeapFit.warning("g.wasm", 32767, false, 1024 * MIB).orElseThrow();
        assertTrue(
                warning.startsWith(
                        "wasm module 'g.wasm' may grow its memory to 2048 MiB (user config wasm.max-memory-pages=32767), "
                                + "half or more of this JVM's heap, which is at most 1024 MiB "),
                warning);
    }
}
