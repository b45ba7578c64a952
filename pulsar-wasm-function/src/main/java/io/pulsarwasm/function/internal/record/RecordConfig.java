package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A record function's own {@code wasm.record.*} user config, parsed once at {@code initialize}.
 *
 * @param raw true if the guest reads and writes values in the schema's own encoding ({@value #FORMAT} raw)
 * @param output the output's schema ({@value #OUTPUT_SCHEMA})
 * @param publish the schema of each topic the guest publishes JSON to ({@value #PUBLISH_SCHEMAS})
 */
public record RecordConfig(boolean raw, SchemaSpec output, Map<String, SchemaSpec> publish) {

    /** {@code json} (the default): values as JSON text; {@code raw}: as the schema encodes them. */
    public static final String FORMAT = "wasm.record.format";

    /** {@code input} (the default), or a schema given as {@code {"type", "definition"}}. */
    public static final String OUTPUT_SCHEMA = "wasm.record.output-schema";

    /** A JSON object from topic (as the guest names it in {@code publish}) to a schema as above. */
    public static final String PUBLISH_SCHEMAS = "wasm.record.publish-schemas";

    /** The keys a record function reads. */
    public static final Set<String> KEYS = Set.of(FORMAT, OUTPUT_SCHEMA, PUBLISH_SCHEMAS);

    /**
     * Parses the keys from a user config.
     *
     * @param userConfig the function's user config, as Pulsar parsed it from JSON
     * @return the configuration
     * @throws IllegalArgumentException naming the key and what is wrong
     */
    public static RecordConfig parse(Map<String, ?> userConfig) {
        Object format = userConfig.get(FORMAT);
        if (format != null && !List.of("json", "raw").contains(String.valueOf(format))) {
            throw new IllegalArgumentException("user config " + FORMAT + " must be json or raw, got '" + format + "'");
        }
        SchemaSpec output = userConfig.containsKey(OUTPUT_SCHEMA)
                ? SchemaSpec.parse(
                        OUTPUT_SCHEMA, json(userConfig.get(OUTPUT_SCHEMA)), nested(userConfig.get(OUTPUT_SCHEMA)))
                : SchemaSpec.INPUT;
        Map<String, SchemaSpec> publish = new LinkedHashMap<>();
        if (userConfig.containsKey(PUBLISH_SCHEMAS)) {
            JsonNode topics = json(userConfig.get(PUBLISH_SCHEMAS));
            if (!topics.isObject()) {
                throw new IllegalArgumentException("user config " + PUBLISH_SCHEMAS
                        + " must be a JSON object from topic to schema, got " + topics);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = topics.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> topic = it.next();
                publish.put(
                        topic.getKey(),
                        SchemaSpec.parse(
                                PUBLISH_SCHEMAS + "[" + topic.getKey() + "]",
                                topic.getValue(),
                                nested(userConfig.get(PUBLISH_SCHEMAS))));
            }
        }
        return new RecordConfig("raw".equals(String.valueOf(format)), output, Map.copyOf(publish));
    }

    /**
     * Whether a value came as JSON that Pulsar parsed ({@code --user-config '{"k": {...}}'}) rather
     * than as a string: Pulsar's user config handling drops JSON nulls inside such a value (Gson),
     * so an Avro {@code "default": null} in it is gone by the time the function sees it.
     */
    private static boolean nested(Object value) {
        return !(value instanceof String);
    }

    /**
     * A config value as JSON: text is parsed (a plain word such as {@code input} stays text);
     * nested JSON as Pulsar parsed it is converted, whole numbers without a fraction.
     */
    private static JsonNode json(Object value) {
        if (value instanceof String text) {
            try {
                return RecordCodec.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
        return RecordCodec.MAPPER.valueToTree(whole(value));
    }

    private static Object whole(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 0x1p53) {
            return number.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, whole(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RecordConfig::whole).toList();
        }
        return value;
    }
}
