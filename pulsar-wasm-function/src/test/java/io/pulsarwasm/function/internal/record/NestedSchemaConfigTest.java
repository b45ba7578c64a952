package io.pulsarwasm.function.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code wasm.record.output-schema} given as nested JSON in {@code --user-config} reaches the
 * function as Pulsar parsed it, with Gson, which drops JSON nulls: {@code "default": null} is gone.
 * Such a schema is refused with an error pointing to the string form; as a string it works.
 */
class NestedSchemaConfigTest {

    private static final String SPEC =
            "{\"type\":\"AVRO\",\"definition\":{\"type\":\"record\",\"name\":\"User\",\"fields\":["
                    + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}}";

    /**
     * The user config as it reaches a function: Pulsar parses {@code --user-config} into a map, keeps
     * it in the function's details as JSON written by Gson's default {@code toJson} (which leaves out
     * nulls), and the instance parses that JSON back.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asPulsarParsesIt(String userConfigJson) {
        Gson gson = new Gson();
        return gson.fromJson(gson.toJson(gson.fromJson(userConfigJson, Map.class)), Map.class);
    }

    @Test
    void pulsarsParsingDropsTheNullDefault() {
        Map<String, Object> config = asPulsarParsesIt("{\"wasm.record.output-schema\":" + SPEC + "}");
        assertEquals(
                "{type=AVRO, definition={type=record, name=User, fields=[{name=name, type=string}, "
                        + "{name=email, type=[null, string]}]}}",
                config.get("wasm.record.output-schema").toString());
    }

    @Test
    void aNestedDefinitionWithANullableFieldWithoutDefaultIsRefusedPointingToTheStringForm() {
        Map<String, Object> config = asPulsarParsesIt("{\"wasm.record.output-schema\":" + SPEC + "}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecordConfig.parse(config));
        assertEquals(
                "user config wasm.record.output-schema: field 'User.email' may be null but has no default. Pulsar drops "
                        + "JSON nulls inside a nested --user-config value, so a \"default\": null written there is lost; give "
                        + "wasm.record.output-schema as a JSON string instead, e.g. \"wasm.record.output-schema\": "
                        + "\"{\\\"type\\\":\\\"AVRO\\\",\\\"definition\\\":...}\" (or the definition as a string)",
                e.getMessage());
    }

    @Test
    void theSameSchemaAsAStringKeepsItsDefault() {
        Map<String, Object> config =
                asPulsarParsesIt("{\"wasm.record.output-schema\":" + new Gson().toJson(SPEC) + "}");
        RecordConfig parsed = RecordConfig.parse(config);
        assertNotNull(parsed);
        String schema = new String(parsed.output().info().getSchema(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(true, schema.contains("\"default\":null"), schema);
    }

    @Test
    void aNestedDefinitionWithoutNullableFieldsAndANestedStringDefinitionAreAccepted() {
        assertNotNull(
                RecordConfig.parse(
                        asPulsarParsesIt(
                                "{\"wasm.record.output-schema\":{\"type\":\"AVRO\",\"definition\":"
                                        + "{\"type\":\"record\",\"name\":\"Adult\",\"fields\":[{\"name\":\"adult\",\"type\":\"boolean\"}]}}}")));
        String definition = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"email\","
                + "\"type\":[\"null\",\"string\"],\"default\":null}]}";
        assertNotNull(
                RecordConfig.parse(asPulsarParsesIt("{\"wasm.record.output-schema\":{\"type\":\"AVRO\",\"definition\":"
                        + new Gson().toJson(definition) + "}}")));
    }
}
