package io.pulsarwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JavaScript SDK's declarations ({@code sdk/javascript/pulsar-wasm.d.ts}) against the engine:
 * {@code ctx}, {@code ctx.log} and {@code ctx.state} have exactly the members the declarations name,
 * as a function running in the engine sees them. (The SDK's own {@code node --test} holds its
 * in-memory {@code TestContext} to the same declarations.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JavaScriptSdkTest {

    private static final Path TYPES = Path.of("..", "sdk", "javascript", "pulsar-wasm.d.ts");

    @TempDir
    Path temp;

    @Test
    void theDeclarationsNameEveryMemberOfCtxAndNoOther() throws IOException {
        Path function = temp.resolve("members.js");
        Files.writeString(function, """
                function members(object) {
                  const names = new Set(Object.keys(object));
                  for (let p = Object.getPrototypeOf(object); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
                    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") names.add(name);
                  }
                  return [...names].sort().join(",");
                }
                export function process(input, ctx) {
                  return JSON.stringify({Context: members(ctx), Log: members(ctx.log), State: members(ctx.state)});
                }
                """);
        String engine;
        try (var tester = WasmFunctionTester.strings(function.toUri().toString())) {
            engine = tester.process("x");
        }
        Map<String, String> declared = new TreeMap<>();
        String types = Files.readString(TYPES);
        for (String name : new String[] {"Context", "Log", "State"}) {
            declared.put(name, String.join(",", new TreeSet<>(members(types, name))));
        }
        // counted by hand from docs/javascript.md's table: what the comparison below compares is not empty
        assertEquals(21, declared.get("Context").split(",").length, declared.get("Context"));
        assertEquals("debug,error,info,trace,warn", declared.get("Log"));
        assertEquals("delete,get,getString,put", declared.get("State"));
        assertEquals(
                "{\"Context\":\"" + declared.get("Context") + "\",\"Log\":\"" + declared.get("Log") + "\",\"State\":\""
                        + declared.get("State") + "\"}",
                engine);
    }

    @Test
    void aKeyOfTheWrongTypeThrowsWhatTheSdksTestContextThrows() throws IOException {
        Path function = temp.resolve("wrong.js");
        Files.writeString(function, """
                export function process(input, ctx) {
                  try { ctx.state.get(1); return "no error"; } catch (e) { return e.name + ": " + e.message; }
                }
                """);
        try (var tester = WasmFunctionTester.strings(function.toUri().toString())) {
            // sdk/javascript/test/testing.test.mjs expects the same of TestContext
            assertEquals("TypeError: a state key must be a string, not a number", tester.process("x"));
        }
    }

    /** The members an interface of the declarations names: {@code name(...)} and {@code name:}. */
    static java.util.List<String> members(String types, String interfaceName) {
        Matcher body = Pattern.compile("export interface " + interfaceName + " \\{\\n(.*?)\\n}", Pattern.DOTALL)
                .matcher(types);
        if (!body.find()) {
            throw new AssertionError(TYPES + " declares no interface " + interfaceName);
        }
        return Arrays.stream(body.group(1).split("\n"))
                .map(line -> Pattern.compile("^  (\\w+)\\??[(:]").matcher(line))
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .toList();
    }
}
