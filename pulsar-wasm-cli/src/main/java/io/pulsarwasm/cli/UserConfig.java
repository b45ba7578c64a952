package io.pulsarwasm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --user-config}: a JSON object, read as {@code pulsar-admin} reads it (numbers as Double). */
final class UserConfig {

    private UserConfig() {}

    /**
     * @param json the option's value, or null
     * @return the user config (empty for null)
     * @throws CliException if it is not a JSON object
     */
    static Map<String, Object> parse(String json) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (json == null) {
            return config;
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw CliException.usage("--user-config: not valid JSON: " + json + " (" + e.getMessage() + ")");
        }
        if (!parsed.isJsonObject()) {
            throw CliException.usage("--user-config: not a JSON object: " + json);
        }
        parsed.getAsJsonObject().entrySet().forEach(e -> config.put(e.getKey(), TestFile.configValue(e.getValue())));
        return config;
    }
}
