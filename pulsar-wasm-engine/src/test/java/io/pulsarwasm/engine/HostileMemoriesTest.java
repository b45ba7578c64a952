package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.load;
import static io.pulsarwasm.engine.Hostile.loadError;
import static io.pulsarwasm.engine.Hostile.processError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hostile memories: a module asking for more than wasm.max-memory-pages, at once or by growing. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileMemoriesTest {

    @Test
    void oneMemoryOverTheLimitIsRefusedAtLoad() {
        assertEquals(
                "wasm module 'hostile.wasm' declares a memory of 300 initial pages, more than the limit of "
                        + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                loadError(
                        Wat.compile(
                                "(module (memory 300) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @Test
    void memoriesTogetherOverTheLimitAreRefusedAtLoad() {
        assertEquals(
                "wasm module 'hostile.wasm' declares 2 memories of 300 initial pages together, more than the limit of "
                        + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                loadError(
                        Wat.compile(
                                "(module (memory 200) (memory 100) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void aSecondMemoryCannotGrow(ExecutionMode mode) {
        byte[] module = Wat.compile("""
                (module (memory $a 1) (memory $b 1)
                  (func (export "process") (param i64) (result i64)
                    (i64.extend_i32_s (memory.grow $b (i32.wrap_i64 (local.get 0))))))""");
        try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(-1, guest.process(1L));
            assertEquals(-1, guest.process(100_000L));
            assertEquals(1, guest.process(0L));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = ExecutionMode.class,
            names = {"INTERPRETER", "COMPILER"})
    void theFirstMemoryGrowsOnlyIntoWhatTheOthersDoNotHold(ExecutionMode mode) {
        byte[] module = Wat.compile("""
                (module (memory $a 1) (memory $b 10)
                  (func (export "process") (param i64) (result i64)
                    (i64.extend_i32_s (memory.grow $a (i32.wrap_i64 (local.get 0))))))""");
        try (WasmLoader loader = load(module, Limits.DEFAULTS).withExecution(mode);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(1, guest.process(245L)); // 1 + 245 + 10 = 256 pages
            assertEquals(-1, guest.process(1L));
        }
    }

    @Test
    void growthPastTheLimitIsRefusedAndTheTrapSaysWhy() {
        byte[] module = Wat.longGuest("""
                (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
                unreachable""", "");
        try (WasmLoader loader = load(module, Limits.DEFAULTS);
                WasmInstance guest = loader.newInstance()) {
            String error = processError(guest);
            assertTrue(error.startsWith("wasm module 'hostile.wasm': export 'process' trapped: "), error);
            assertTrue(
                    error.endsWith(" (guest memory is at its limit of 256 pages (16 MiB), user config "
                            + "wasm.max-memory-pages; a refused memory.grow is the likely cause)"),
                    error);
        }
    }

    /**
     * A guest's memory grows in pages and copies nothing: a limit of 70 % of this JVM's heap (the
     * module's tests run under -Xmx512m), grown to half of it and then to all of it, fits. Had growing
     * copied the memory, the second step would have needed the old half and the new whole at once,
     * 105 % of the heap.
     */
    @Test
    void growingToMostOfTheHeapCopiesNothing() {
        long pageBytes = 64 * 1024;
        // the key's maximum on a heap over 2.9 GiB, where the case no longer says much
        int limit = (int) Math.min(32767, Runtime.getRuntime().maxMemory() * 7 / 10 / pageBytes);
        int half = limit / 2;
        byte[] module = Wat.longGuest(
                String.format(
                        """
                        (drop (memory.grow (i32.const %d)))
                        (i32.store8 (i32.const %d) (i32.const 7))
                        (drop (memory.grow (i32.const %d)))
                        (i32.store8 (i32.const %d) (i32.const 9))
                        (i64.extend_i32_u (i32.add
                          (i32.mul (memory.size) (i32.const 100))
                          (i32.add (i32.load8_u (i32.const %d)) (i32.load8_u (i32.const %d)))))""",
                        half - 2, // the module starts with 2 pages
                        half * pageBytes - 1,
                        limit - half,
                        limit * pageBytes - 1,
                        half * pageBytes - 1,
                        limit * pageBytes - 1),
                "");
        try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_MEMORY_PAGES, limit));
                WasmInstance guest = loader.newInstance()) {
            assertEquals(limit * 100L + 16, guest.process(0L));
        }
    }

    /**
     * A memory of at most 256 pages is one array, which growing copies: a module growing a page at a
     * time to that limit makes the host copy 1 + 2 + ... + 255 pages, about 2 GiB, once in its life.
     * It gets every page, with what it wrote kept, well within the class's timeout; the next grow is
     * refused.
     */
    @Test
    void growingPageByPageToAOneArrayLimitCopiesABoundedAmount() {
        byte[] module = Wat.longGuest("""
                (loop $grow
                  (if (i32.ge_s (memory.grow (i32.const 1)) (i32.const 0))
                    (then
                      (i32.store8 (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536)) (i32.const 1))
                      (br $grow))))
                (local.set $i (i32.const 2))
                (loop $sum
                  (i64.store (i32.const 0) (i64.add (i64.load (i32.const 0))
                    (i64.load8_u (i32.mul (local.get $i) (i32.const 65536)))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $sum (i32.lt_u (local.get $i) (memory.size))))
                (i64.add (i64.mul (i64.extend_i32_u (memory.size)) (i64.const 1000)) (i64.load (i32.const 0)))""", "");
        try (WasmLoader loader = load(module, Limits.DEFAULTS.with(Limit.MAX_MEMORY_PAGES, 256));
                WasmInstance guest = loader.newInstance()) {
            assertTrue(loader.memoryGrowthCopies());
            // 256 pages; the 254 grown each hold a 1
            assertEquals(256_000L + 254, guest.process(0L));
        }
    }

    @Test
    void growthBeyondTheWasmMaximumIsRefused() {
        byte[] module = Wat.longGuest("(i64.extend_i32_s (memory.grow (i32.const 70000)))", "");
        try (WasmLoader loader = load(module, Limits.DEFAULTS);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(-1, guest.process(0L));
        }
    }

    @Test
    void aMemoryAtTheLimitLoadsAndCannotGrow() {
        byte[] module = Wat.compile("""
                (module (memory 256)
                  (func (export "process") (param i64) (result i64) (i64.extend_i32_s (memory.grow (i32.const 1)))))""");
        try (WasmLoader loader = load(module, Limits.DEFAULTS);
                WasmInstance guest = loader.newInstance()) {
            assertEquals(-1, guest.process(0L));
        }
    }

    @Test
    void aSharedMemoryIsRefused() {
        assertEquals(
                "wasm module 'hostile.wasm' declares a shared memory; guests run single-threaded, so shared "
                        + "memories (threads) are not supported",
                loadError(
                        Wat.compile(
                                "(module (memory 1 1 shared) (func (export \"process\") (param i64) (result i64) local.get 0))"),
                        Limits.DEFAULTS));
    }
}
