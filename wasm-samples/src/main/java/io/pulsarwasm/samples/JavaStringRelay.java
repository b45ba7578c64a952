package io.pulsarwasm.samples;

import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/** The relay for text ({@code javascript/relay.js} as a String function), in Java: the baseline of the JavaScript relay benchmark. */
public class JavaStringRelay implements Function<String, String> {

    @Override
    public String process(String input, Context context) {
        return input;
    }
}
