package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * Where a record function's output (or a publish) gets its schema: {@code "input"}, the schema of
 * the record being processed (this message's version), or one given in configuration,
 * {@code {"type": "AVRO" | "JSON", "definition": <an Avro record schema>, "name": ..., "properties": {...}}}.
 *
 * @param info the configured schema, or null for the input's
 */
record SchemaSpec(SchemaInfo info) {

    /** The input's schema. */
    public static final SchemaSpec INPUT = new SchemaSpec(null);

    /**
     * Parses a spec.
     *
     * @param key the user config key it came from, for messages
     * @param spec {@code input}, or the JSON object above
     * @return the spec
     * @throws IllegalArgumentException naming the key and what is wrong
     */
    public static SchemaSpec parse(String key, JsonNode spec) {
        return parse(key, spec, false);
    }

    /**
     * Parses a spec that may have come as JSON Pulsar parsed.
     *
     * @param key the user config key it came from, for messages
     * @param spec {@code input}, or the JSON object above
     * @param nested whether the value came as nested JSON rather than a string: then a definition
     *     given as an object has lost its {@code "default": null}s, and a nullable field without a
     *     default is refused with an error that points to the string form
     * @return the spec
     * @throws IllegalArgumentException naming the key and what is wrong
     */
    public static SchemaSpec parse(String key, JsonNode spec, boolean nested) {
        if (spec.isTextual() && spec.textValue().equals("input")) {
            return INPUT;
        }
        String form = " must be \"input\" or {\"type\": \"AVRO\" or \"JSON\", \"definition\": <Avro record schema>}";
        if (!spec.isObject()) {
            throw new IllegalArgumentException("user config " + key + form + ", got " + spec);
        }
        for (Iterator<String> names = spec.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Map.of("type", 0, "definition", 0, "name", 0, "properties", 0).containsKey(name)) {
                throw new IllegalArgumentException("user config " + key + " has an unknown member '" + name
                        + "' (it takes type, definition, name, properties)");
            }
        }
        String type = spec.path("type").asText();
        if (!type.equals("AVRO") && !type.equals("JSON")) {
            throw new IllegalArgumentException(
                    "user config " + key + ": type must be AVRO or JSON, got '" + type + "'");
        }
        JsonNode definition = spec.get("definition");
        if (definition == null) {
            throw new IllegalArgumentException("user config " + key + " has no definition (an Avro record schema)");
        }
        String text = definition.isTextual() ? definition.textValue() : definition.toString();
        Schema avro;
        try {
            avro = new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new IllegalArgumentException(
                    "user config " + key + ": the definition is not an Avro schema: " + e.getMessage(), e);
        }
        if (avro.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("user config " + key + ": the definition must be an Avro record, got "
                    + avro.getType().getName());
        }
        if (nested && !definition.isTextual()) {
            String field = nullableWithoutDefault(avro, new HashSet<>());
            if (field != null) {
                throw new IllegalArgumentException(
                        "user config " + key + ": field '" + field + "' may be null but has no "
                                + "default. Pulsar drops JSON nulls inside a nested --user-config value, so a \"default\": null "
                                + "written there is lost; give " + key + " as a JSON string instead, e.g. \"" + key
                                + "\": \"{\\\"type\\\":\\\"AVRO\\\",\\\"definition\\\":...}\" (or the definition as a string)");
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        spec.path("properties")
                .fields()
                .forEachRemaining(
                        entry -> properties.put(entry.getKey(), entry.getValue().asText()));
        return new SchemaSpec(SchemaInfo.builder()
                .name(spec.path("name").asText(avro.getName()))
                .type(SchemaType.valueOf(type))
                .schema(avro.toString().getBytes(StandardCharsets.UTF_8))
                .properties(properties)
                .build());
    }

    /** The first field (as {@code Record.field}) whose type is a union with null and that has no default, or null. */
    private static String nullableWithoutDefault(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return null;
                }
                for (Schema.Field field : schema.getFields()) {
                    Schema type = field.schema();
                    if (type.getType() == Schema.Type.UNION
                            && !field.hasDefaultValue()
                            && type.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                        return schema.getName() + "." + field.name();
                    }
                    String inner = nullableWithoutDefault(type, seen);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            }
            case ARRAY -> {
                return nullableWithoutDefault(schema.getElementType(), seen);
            }
            case MAP -> {
                return nullableWithoutDefault(schema.getValueType(), seen);
            }
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    String inner = nullableWithoutDefault(branch, seen);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** @return true if this is the input's schema */
    public boolean input() {
        return info == null;
    }

    /** The Avro schema of an AVRO or JSON schema info's definition. */
    static Schema avro(SchemaInfo info) {
        return new Schema.Parser()
                .setValidateDefaults(false)
                .parse(new String(info.getSchema(), StandardCharsets.UTF_8));
    }
}
