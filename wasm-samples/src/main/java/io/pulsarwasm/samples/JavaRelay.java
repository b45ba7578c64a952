package io.pulsarwasm.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * The relay ({@code wat/relay.wat}) written in Java the way Pulsar recommends for a function that
 * publishes or writes state: asynchronously, returning a future that completes when the writes
 * are stored. The baseline of the end-to-end benchmarks' publishing and state cases.
 */
public class JavaRelay implements Function<byte[], CompletableFuture<byte[]>> {

    @Override
    public CompletableFuture<byte[]> process(byte[] input, Context context) throws Exception {
        List<CompletableFuture<?>> writes = new ArrayList<>(2);
        Optional<Object> side = context.getUserConfigValue("side-topic");
        if (side.isPresent()) {
            writes.add(context.newOutputMessage(String.valueOf(side.get()), Schema.BYTES)
                    .value(input)
                    .sendAsync());
        }
        Optional<Object> counter = context.getUserConfigValue("counter");
        if (counter.isPresent()) {
            writes.add(context.incrCounterAsync(String.valueOf(counter.get()), 1));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(stored -> input);
    }
}
