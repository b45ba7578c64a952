package io.pulsarwasm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.tools.NarPackager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * A test file: inputs and the outputs expected of them, written by hand as JSON ({@code docs/cli.md}
 * has the format), run through the module in-process, each case on a new instance.
 *
 * <pre>{@code
 * {
 *   "userConfig": {"suffix": "!"},
 *   "cases": [
 *     {"name": "shouts", "input": "hello", "key": "k1", "expect": "HELLO!"},
 *     {"name": "an empty message has no output", "input": "", "expect": null},
 *     {"name": "a long one fails", "input": "far too long a message", "expectError": "longer than 16"}
 *   ]
 * }
 * }</pre>
 *
 * <p>Over 300 lines because it is the test file's whole format: every field is checked here with
 * an error naming the file, the case and the field, before any case runs.
 */
final class TestFile {

    private static final Set<String> TOP_KEYS = Set.of("userConfig", "secrets", "schema", "cases");
    private static final Set<String> SCHEMA_KEYS = Set.of("type", "definition");
    private static final Set<String> CASE_KEYS = Set.of(
            "name",
            "input",
            "inputBase64",
            "key",
            "topic",
            "properties",
            "eventTime",
            "expect",
            "expectBase64",
            "expectError",
            "expectLogs",
            "expectCounters");

    /** One case, checked; a record function's input and expected output are JSON text. */
    record Case(
            String name,
            byte[] input,
            boolean recordInput,
            String key,
            String topic,
            Map<String, String> properties,
            Long eventTime,
            Expectation expectation,
            List<String> expectLogs,
            Map<String, Long> expectCounters) {}

    /**
     * What a case expects: an output (null: none) — for a record, a JSON value compared as JSON
     * ({@code json}) — or a failure whose text contains {@code error}.
     */
    record Expectation(byte[] output, JsonElement json, String error) {}

    private final Path file;
    private final Map<String, Object> userConfig;
    private final Map<String, String> secrets;
    private final Schema<byte[]> schema;
    private final List<Case> cases;

    private TestFile(
            Path file,
            Map<String, Object> userConfig,
            Map<String, String> secrets,
            Schema<byte[]> schema,
            List<Case> cases) {
        this.file = file;
        this.userConfig = userConfig;
        this.secrets = secrets;
        this.schema = schema;
        this.cases = cases;
    }

    /**
     * Reads a test file.
     *
     * @param file the file
     * @return its cases
     * @throws CliException naming the file, the case and the field that is wrong
     */
    static TestFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read the test file " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    static TestFile parse(Path file, String text) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                throw CliException.usage(file + ": a test file is a JSON object with \"cases\"");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw CliException.usage(file + ": not valid JSON: " + e.getMessage());
        }
        unknownKeys(file.toString(), root, TOP_KEYS);
        Map<String, Object> userConfig = new LinkedHashMap<>();
        if (root.has("userConfig")) {
            JsonObject config = object(root, "userConfig", file.toString());
            for (Map.Entry<String, JsonElement> entry : config.entrySet()) {
                userConfig.put(entry.getKey(), configValue(entry.getValue()));
            }
        }
        Map<String, String> secrets =
                root.has("secrets") ? strings(object(root, "secrets", file.toString()), file + ": secrets") : Map.of();
        Schema<byte[]> schema = root.has("schema") ? schema(object(root, "schema", file.toString()), file) : null;
        if (!root.has("cases") || !root.get("cases").isJsonArray()) {
            throw CliException.usage(file + ": \"cases\" is missing: an array of {\"name\", \"input\", \"expect\"}");
        }
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (JsonElement element : root.getAsJsonArray("cases")) {
            index++;
            String where = file + ": case " + index;
            if (!element.isJsonObject()) {
                throw CliException.usage(where + " is not an object");
            }
            cases.add(parseCase(element.getAsJsonObject(), where));
        }
        return new TestFile(file, userConfig, secrets, schema, cases);
    }

    /**
     * A record function's input schema: {@code {"type": "AVRO" or "JSON", "definition": <the Avro
     * record schema>}}, the type AVRO when left out.
     */
    private static Schema<byte[]> schema(JsonObject json, Path file) {
        String where = file + ": schema";
        unknownKeys(where, json, SCHEMA_KEYS);
        String type = json.has("type") ? text(json, "type", where).toUpperCase(java.util.Locale.ROOT) : "AVRO";
        if (!type.equals("AVRO") && !type.equals("JSON")) {
            throw CliException.usage(where + ": \"type\" is AVRO or JSON, not " + json.get("type"));
        }
        if (!json.has("definition") || !json.get("definition").isJsonObject()) {
            throw CliException.usage(where + ": \"definition\" is the Avro record schema, an object such as "
                    + "{\"type\": \"record\", \"name\": \"User\", \"fields\": [...]}");
        }
        String definition = json.get("definition").toString();
        try {
            new org.apache.avro.Schema.Parser().parse(definition);
        } catch (org.apache.avro.SchemaParseException e) {
            throw CliException.usage(where + ": \"definition\" is not an Avro schema: " + e.getMessage());
        }
        return RecordInput.schema(SchemaType.valueOf(type), definition);
    }

    private static Case parseCase(JsonObject json, String where) {
        unknownKeys(where, json, CASE_KEYS);
        String name = json.has("name") ? text(json, "name", where) : null;
        if (name == null || name.isBlank()) {
            throw CliException.usage(where + ": \"name\" is missing");
        }
        where = where + " (\"" + name + "\")";
        byte[] input;
        boolean recordInput = false;
        if (json.has("input") == json.has("inputBase64")) {
            throw CliException.usage(where + ": give exactly one of \"input\" (text, a number for a long "
                    + "function, an object for a record function) and \"inputBase64\" (bytes)");
        } else if (json.has("inputBase64")) {
            input = base64(json, "inputBase64", where);
        } else {
            JsonElement value = json.get("input");
            if (value.isJsonObject()) {
                recordInput = true;
                input = value.toString().getBytes(StandardCharsets.UTF_8);
            } else if (!value.isJsonPrimitive() || value.getAsJsonPrimitive().isBoolean()) {
                throw CliException.usage(where + ": \"input\" is text, a number, or an object (a record)");
            } else {
                input = value.getAsString().getBytes(StandardCharsets.UTF_8);
            }
        }
        int expectations =
                (json.has("expect") ? 1 : 0) + (json.has("expectBase64") ? 1 : 0) + (json.has("expectError") ? 1 : 0);
        if (expectations != 1) {
            throw CliException.usage(where + ": give exactly one of \"expect\" (the output as text or a number; "
                    + "null for no output), \"expectBase64\" and \"expectError\" (text the failure contains)");
        }
        Expectation expectation;
        if (json.has("expectError")) {
            expectation = new Expectation(null, null, text(json, "expectError", where));
        } else if (json.has("expectBase64")) {
            expectation = new Expectation(base64(json, "expectBase64", where), null, null);
        } else {
            JsonElement value = json.get("expect");
            if (value.isJsonNull()) {
                expectation = new Expectation(null, null, null);
            } else if (value.isJsonObject()) {
                expectation = new Expectation(value.toString().getBytes(StandardCharsets.UTF_8), value, null);
            } else if (value.isJsonPrimitive() && !value.getAsJsonPrimitive().isBoolean()) {
                expectation = new Expectation(value.getAsString().getBytes(StandardCharsets.UTF_8), null, null);
            } else {
                throw CliException.usage(
                        where + ": \"expect\" is text, a number, an object (a record), or null for no output");
            }
        }
        Long eventTime = null;
        if (json.has("eventTime")) {
            JsonElement value = json.get("eventTime");
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw CliException.usage(where + ": \"eventTime\" is epoch milliseconds, a number");
            }
            eventTime = value.getAsLong();
        }
        List<String> logs = null;
        if (json.has("expectLogs")) {
            if (!json.get("expectLogs").isJsonArray()) {
                throw CliException.usage(where + ": \"expectLogs\" is an array of lines, e.g. [\"INFO shouting\"]");
            }
            logs = new ArrayList<>();
            for (JsonElement line : json.getAsJsonArray("expectLogs")) {
                logs.add(line.getAsString());
            }
        }
        Map<String, Long> counters = null;
        if (json.has("expectCounters")) {
            counters = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> counter :
                    object(json, "expectCounters", where).entrySet()) {
                counters.put(counter.getKey(), counter.getValue().getAsLong());
            }
        }
        return new Case(
                name,
                input,
                recordInput,
                json.has("key") ? text(json, "key", where) : null,
                json.has("topic") ? text(json, "topic", where) : null,
                json.has("properties") ? strings(object(json, "properties", where), where + ": properties") : Map.of(),
                eventTime,
                expectation,
                logs,
                counters);
    }

    /** @return the cases */
    List<Case> cases() {
        return cases;
    }

    /**
     * Runs every case, each on a new instance, and prints one line per case and a summary.
     *
     * @param module the module
     * @param type its function class's type
     * @param projectConfig the project's user config; the file's {@code userConfig} is laid over it
     * @param out where to print
     * @return the cases that failed
     */
    int run(Path module, NarPackager.Type type, Map<String, Object> projectConfig, PrintWriter out) {
        Map<String, Object> config = new LinkedHashMap<>(projectConfig);
        config.putAll(userConfig);
        boolean records = type == NarPackager.Type.RECORD;
        if (records && schema == null) {
            throw CliException.usage(file + ": a record function's test file gives its input schema: \"schema\": "
                    + "{\"type\": \"AVRO\", \"definition\": {\"type\": \"record\", ...}}");
        }
        if (!records && schema != null) {
            throw CliException.usage(file + ": \"schema\" is for a record function's test file; this function's "
                    + "type is " + Runs.name(type));
        }
        for (int i = 0; i < cases.size(); i++) { // every case checked before any runs
            Case testCase = cases.get(i);
            if (records != testCase.recordInput()) {
                throw CliException.usage(file + ": case " + (i + 1) + " (\"" + testCase.name() + "\"): "
                        + (records
                                ? "a record function's input is an object, the record as its guest reads it"
                                : "an object is a record function's input; this function's type is "
                                        + Runs.name(type)));
            }
        }
        int failed = 0;
        int index = 0;
        java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
        for (Case testCase : cases) {
            index++;
            String problem;
            try (Runs runs = Runs.of(module, type, config, secrets)) {
                Runs.Outcome outcome = records
                        ? runs.process(
                                recordInput(testCase, index),
                                testCase.key(),
                                testCase.topic(),
                                testCase.properties(),
                                testCase.eventTime(),
                                null)
                        : runs.process(
                                testCase.input(),
                                testCase.key(),
                                testCase.topic(),
                                testCase.properties(),
                                testCase.eventTime(),
                                null);
                problem = check(testCase, outcome, runs);
                warnings.addAll(runs.moduleWarnings());
            }
            if (problem == null) {
                out.println("ok    " + testCase.name());
            } else {
                failed++;
                out.println("FAIL  " + testCase.name() + ": " + problem);
            }
        }
        for (String warning : warnings) {
            out.println("warning: " + warning);
        }
        out.println(file.getFileName() + ": " + (cases.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed;
    }

    private RecordInput recordInput(Case testCase, int index) {
        try {
            return RecordInput.ofJson(schema, new String(testCase.input(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(file + ": case " + index + " (\"" + testCase.name()
                    + "\"): the input does not fit the schema: " + e.getMessage());
        }
    }

    /** @return what is wrong with the outcome, or null */
    static String check(Case testCase, Runs.Outcome outcome, Runs runs) {
        Expectation expected = testCase.expectation();
        if (expected.error() != null) {
            if (!outcome.failed() || !outcome.failure().contains(expected.error())) {
                return "expected a failure containing \"" + expected.error() + "\", got " + quote(outcome);
            }
        } else if (outcome.failed() || !matches(expected, outcome.output())) {
            return "expected " + describe(expected.output()) + ", got " + quote(outcome);
        }
        if (testCase.expectLogs() != null && !testCase.expectLogs().equals(runs.logLines())) {
            return "expected the log lines " + testCase.expectLogs() + ", got " + runs.logLines();
        }
        if (testCase.expectCounters() != null && !testCase.expectCounters().equals(runs.counters())) {
            return "expected the counters " + testCase.expectCounters() + ", got " + runs.counters();
        }
        return null;
    }

    /** @return whether the output is the one expected: a record's as JSON (field order and number spelling aside) */
    private static boolean matches(Expectation expected, byte[] output) {
        if (expected.json() == null || output == null) {
            return Arrays.equals(expected.output(), output);
        }
        try {
            return expected.json().equals(JsonParser.parseString(new String(output, StandardCharsets.UTF_8)));
        } catch (JsonParseException e) {
            return false;
        }
    }

    private static String quote(Runs.Outcome outcome) {
        return outcome.failed() ? "the failure \"" + outcome.failure() + "\"" : describe(outcome.output());
    }

    private static String describe(byte[] output) {
        return output == null ? "no output" : "\"" + Runs.show(output) + "\"";
    }

    private static void unknownKeys(String where, JsonObject json, Set<String> known) {
        for (String key : json.keySet()) {
            if (!known.contains(key)) {
                throw CliException.usage(where + ": unknown field \"" + key + "\" (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonObject object(JsonObject json, String field, String where) {
        if (!json.get(field).isJsonObject()) {
            throw CliException.usage(where + ": \"" + field + "\" is an object");
        }
        return json.getAsJsonObject(field);
    }

    private static String text(JsonObject json, String field, String where) {
        JsonElement value = json.get(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw CliException.usage(where + ": \"" + field + "\" is text");
        }
        return value.getAsString();
    }

    private static byte[] base64(JsonObject json, String field, String where) {
        try {
            return Base64.getDecoder().decode(text(json, field, where));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(where + ": \"" + field + "\" is not Base64: " + e.getMessage());
        }
    }

    private static Map<String, String> strings(JsonObject json, String where) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
            JsonElement value = entry.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw CliException.usage(where + ": \"" + entry.getKey() + "\" is not text");
            }
            map.put(entry.getKey(), value.getAsString());
        }
        return map;
    }

    /** A user config value as Pulsar parses {@code --user-config}: numbers as Double. */
    static Object configValue(JsonElement value) {
        if (value.isJsonPrimitive()) {
            var primitive = value.getAsJsonPrimitive();
            if (primitive.isNumber()) {
                return primitive.getAsDouble();
            }
            if (primitive.isBoolean()) {
                return primitive.getAsBoolean();
            }
            return primitive.getAsString();
        }
        return value.toString();
    }
}
