package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Mutated modules, fed to the loader and, when they still load, run: every one must end in a
 * typed exception of ours or a result, within a bounded time — no hang, no OutOfMemoryError or
 * StackOverflowError escaping. Seeded, so a failure reproduces; jqwik prints the tries it ran.
 */
class WasmLoaderFuzzTest {

    private static final List<String> SEEDS = List.of("greeter", "echo", "faults", "misbehaving", "init_traps");
    private static final Sandbox SMALL = new Sandbox(
            Limits.DEFAULTS
                    .with(Limit.MAX_MEMORY_PAGES, 16)
                    .with(Limit.TIMEOUT_MS, 100)
                    .with(Limit.MAX_OUTPUT_BYTES, 1 << 16)
                    .with(Limit.MAX_HOST_DATA_BYTES, 1 << 16),
            WasiConfig.OFF);

    @Property(tries = 3000, seed = "20261121")
    void mutatedModulesFailCleanly(
            @ForAll @IntRange(min = 0, max = 4) int seedIndex,
            @ForAll @IntRange(min = 1, max = 12) int mutations,
            @ForAll long random) {
        byte[] bytes = mutate(read(SEEDS.get(seedIndex)), mutations, new Random(random));
        long start = System.nanoTime();
        String outcome = "ran";
        try (WasmLoader loader = WasmLoader.fromBytes("mutant", bytes, SMALL);
                WasmInstance guest = loader.newInstance()) {
            if (guest.entryPoint() == EntryPoint.LONG) {
                guest.process(random);
            } else {
                guest.process(new byte[] {(byte) random, 'x'});
            }
        } catch (WasmTimeoutException e) {
            outcome = "timed out";
        } catch (WasmExecutionException e) {
            outcome = "failed while running";
        } catch (WasmLoadException e) {
            outcome = e.getMessage().contains("malformed") || e.getMessage().contains("not a WebAssembly module")
                    ? "refused as malformed"
                    : "refused by the ABI check or at instantiation";
        }
        Statistics.label("outcome").collect(outcome);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < 5_000, "took " + millis + " ms");
    }

    private static byte[] mutate(byte[] module, int mutations, Random random) {
        byte[] bytes = module.clone();
        for (int i = 0; i < mutations && bytes.length > 8; i++) {
            int at = 8 + random.nextInt(bytes.length - 8);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, at);
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }

    private static byte[] read(String name) {
        try (InputStream in = WasmLoaderFuzzTest.class.getClassLoader().getResourceAsStream("wasm/" + name + ".wasm")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
