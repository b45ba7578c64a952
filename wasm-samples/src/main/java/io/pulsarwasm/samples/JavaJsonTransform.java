package io.pulsarwasm.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * {@code javascript/transform.js} in Java with Jackson, as a Java function author would write it:
 * the baseline of the JavaScript JSON end-to-end benchmark.
 */
public class JavaJsonTransform implements Function<String, String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String process(String input, Context context) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(input);
        o.put("name", o.get("name").asText().toUpperCase(Locale.ROOT));
        o.put("count", o.get("count").asLong() + 1);
        long total = 0;
        for (JsonNode item : o.get("items")) {
            total += item.asText().length();
        }
        o.put("total", total);
        return JSON.writeValueAsString(o);
    }
}
