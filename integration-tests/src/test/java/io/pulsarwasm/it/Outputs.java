package io.pulsarwasm.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;
import org.apache.pulsar.client.api.Message;

/** Expected and actual outputs grouped by message key, in order: what per-key ordering promises. */
final class Outputs {

    private Outputs() {}

    static Map<String, List<Long>> expectedByKey(List<Long> inputs, LongFunction<String> key, LongUnaryOperator logic) {
        Map<String, List<Long>> byKey = new LinkedHashMap<>();
        for (long input : inputs) {
            byKey.computeIfAbsent(key.apply(input), k -> new java.util.ArrayList<>())
                    .add(logic.applyAsLong(input));
        }
        return byKey;
    }

    static Map<String, List<Long>> actualByKey(List<Message<Long>> messages) {
        Map<String, List<Long>> byKey = new LinkedHashMap<>();
        for (Message<Long> message : messages) {
            byKey.computeIfAbsent(message.getKey(), k -> new java.util.ArrayList<>())
                    .add(message.getValue());
        }
        return byKey;
    }
}
