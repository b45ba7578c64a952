package io.pulsarwasm.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A compute-heavy guest: 64-bit FNV-1a over 64 KiB, in C compiled to wasm, against the same loop in Java. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComputeBenchmark extends BytesGuestBenchmark {

    private final byte[] payload = new byte[65536];

    {
        new Random(7).nextBytes(payload);
    }

    @Override
    String module() {
        return "hash.wasm";
    }

    @Override
    String aotClass() {
        return "io.pulsarwasm.bench.aot.HashModule";
    }

    @Override
    byte[] payload() {
        return payload;
    }

    /** The same FNV-1a 64 the C guest runs, with the same 8-byte little-endian output. */
    @Benchmark
    public byte[] java() {
        long hash = 0xcbf29ce484222325L;
        for (byte b : payload) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        byte[] digest = new byte[8];
        for (int i = 0; i < 8; i++) {
            digest[i] = (byte) (hash >>> (8 * i));
        }
        return digest;
    }
}
