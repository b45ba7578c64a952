package io.pulsarwasm.bench;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A message's bytes into the guest and back out: the C filter with nothing blocked passes its input
 * through unchanged. The Java baseline does the same: a copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BytesRoundTripBenchmark extends BytesGuestBenchmark {

    @Param({"16", "1024", "65536"})
    public int size;

    private byte[] payload;

    @Setup(Level.Trial)
    public void setUpPayload() {
        payload = new byte[size];
        new Random(size).nextBytes(payload);
    }

    @Override
    String module() {
        return "filter.wasm";
    }

    @Override
    String aotClass() {
        return "io.pulsarwasm.bench.aot.FilterModule";
    }

    @Override
    byte[] payload() {
        return payload;
    }

    @Benchmark
    public byte[] java() {
        return Arrays.copyOf(payload, payload.length);
    }
}
