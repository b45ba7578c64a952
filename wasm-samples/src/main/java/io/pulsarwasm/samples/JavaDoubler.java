package io.pulsarwasm.samples;

import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * The same logic as {@link Doubler}, written in Java: the baseline the end-to-end benchmark runs
 * beside the wasm function, from the same NAR.
 */
public class JavaDoubler implements Function<Long, Long> {

    @Override
    public Long process(Long input, Context context) {
        return input * 2;
    }
}
