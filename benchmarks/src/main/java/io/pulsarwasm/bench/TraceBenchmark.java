package io.pulsarwasm.bench;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.WasmBytesFunction;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.apache.pulsar.functions.api.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What carrying a message's W3C trace context costs the function in-process: the WAT relay through
 * {@code WasmBytesFunction} on a message with a {@code traceparent}, with {@code wasm.trace-context}
 * on (the output a {@code Record} with the span's properties, read as Pulsar's sink reads them) and
 * off; and with {@code wasm.failure-topic} set while nothing fails.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TraceBenchmark {

    private static final byte[] VALUE = {1, 2, 3, 4, 5, 6, 7, 8};

    private Function<byte[], Object> on;
    private Function<byte[], Object> off;
    private Function<byte[], Object> failureTopic;
    private Context onContext;
    private Context offContext;
    private Context failureContext;

    @Setup(Level.Trial)
    public void setUp() {
        Record<byte[]> input = new Record<>() {
            @Override
            public byte[] getValue() {
                return VALUE;
            }

            @Override
            public Map<String, String> getProperties() {
                return Map.of("traceparent", EndToEnd.TRACEPARENT, "app", "x");
            }

            @Override
            public Optional<String> getKey() {
                return Optional.of("k");
            }
        };
        String module = Guests.samples().resolve("relay.wasm").toAbsolutePath().toString();
        onContext = BenchContext.withRecord(Map.of(WasmConfig.MODULE, module), input);
        offContext = BenchContext.withRecord(Map.of(WasmConfig.MODULE, module, "wasm.trace-context", "false"), input);
        failureContext = BenchContext.withRecord(
                Map.of(WasmConfig.MODULE, module, "wasm.trace-context", "false", "wasm.failure-topic", "failures"),
                input);
        on = start(onContext);
        off = start(offContext);
        failureTopic = start(failureContext);
    }

    @SuppressWarnings("unchecked")
    private static Function<byte[], Object> start(Context context) {
        WasmBytesFunction function = new WasmBytesFunction();
        function.initialize(context);
        return (Function<byte[], Object>) (Function<?, ?>) function;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        on.close();
        off.close();
        failureTopic.close();
    }

    private static int settle(Object result) {
        Object output = ((CompletableFuture<?>) result).join();
        return output instanceof Record<?> record ? record.getProperties().size() : ((byte[]) output).length;
    }

    @Benchmark
    public int traceContextOn() throws Exception {
        return settle(on.process(VALUE, onContext));
    }

    @Benchmark
    public int traceContextOff() throws Exception {
        return settle(off.process(VALUE, offContext));
    }

    @Benchmark
    public int failureTopicSetNothingFails() throws Exception {
        return settle(failureTopic.process(VALUE, failureContext));
    }
}
