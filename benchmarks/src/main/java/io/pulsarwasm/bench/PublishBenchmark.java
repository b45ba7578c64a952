package io.pulsarwasm.bench;

import io.pulsarwasm.engine.ExecutionMode;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.WasmBytesFunction;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a publish per message costs in the function itself, apart from Pulsar: the relay publishing
 * each message to a side topic as a wasm module ({@code relay.wat}) and as Java at its best (one
 * {@code sendAsync}, its future mapped to the output: what the end-to-end baseline {@code JavaRelay}
 * does), over a context whose sends complete after the call has returned, as a producer's do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PublishBenchmark {

    private final List<CompletableFuture<MessageId>> sends = new ArrayList<>();
    private final byte[] payload = {0, 0, 0, 42};
    private Context context;
    private Function<byte[], CompletableFuture<byte[]>> java;
    private Function<byte[], CompletableFuture<byte[]>> wasm;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("side-topic", "persistent://public/default/side");
        config.put(
                WasmConfig.MODULE,
                Guests.samples().resolve("relay.wasm").toAbsolutePath().toString());
        config.put(ExecutionMode.KEY, Guests.Runtime.COMPILER.name());
        context = BenchContext.with(config, this::message);
        java = (input, context) -> context.newOutputMessage("persistent://public/default/side", Schema.BYTES)
                .value(input)
                .sendAsync()
                .thenApply(sent -> input);
        WasmBytesFunction function = new WasmBytesFunction();
        function.initialize(context);
        wasm = function;
    }

    @Benchmark
    public byte[] java() throws Exception {
        return stored(java.process(payload, context));
    }

    @Benchmark
    public byte[] wasm() throws Exception {
        return stored(wasm.process(payload, context));
    }

    private byte[] stored(CompletableFuture<byte[]> result) {
        for (CompletableFuture<MessageId> send : sends) {
            send.complete(MessageId.earliest);
        }
        sends.clear();
        return result.join();
    }

    private TypedMessageBuilder<?> message() {
        return (TypedMessageBuilder<?>) Proxy.newProxyInstance(
                TypedMessageBuilder.class.getClassLoader(),
                new Class<?>[] {TypedMessageBuilder.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendAsync")) {
                        CompletableFuture<MessageId> send = new CompletableFuture<>();
                        sends.add(send);
                        return send;
                    }
                    return proxy;
                });
    }
}
