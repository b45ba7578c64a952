package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The host's import table ({@link HostImport}) is the one source of the ABI's imports; every copy
 * of it typed by hand in a guest SDK, a test host or the ABI page ({@code docs/abi.md}) must say the same names and wasm
 * signatures. Each test reads one copy as text and fails naming every import that differs, so a
 * new host call cannot be added to the host and forgotten in an SDK (or the other way round).
 */
class AbiCopiesTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    /**
     * The host's table as the SDKs of modules with {@code process} see it (all but the command
     * entry's imports): name to {@code (params) -> (results)} as {@link Abi#describe} renders it.
     */
    private static Map<String, String> host() {
        return host(false);
    }

    private static Map<String, String> host(boolean withCommandEntry) {
        Map<String, String> imports = new TreeMap<>();
        for (HostImport hostImport : HostImport.values()) {
            if (withCommandEntry || !hostImport.commandEntry()) {
                imports.put(hostImport.importName(), Abi.describe(hostImport.type()));
            }
        }
        return imports;
    }

    /** The result part of a host import's signature, e.g. {@code i64}, or empty for none. */
    private static String hostResult(HostImport hostImport) {
        String signature = Abi.describe(hostImport.type());
        return signature.substring(signature.indexOf("-> (") + 4, signature.length() - 1);
    }

    private static String read(String file) throws IOException {
        return Files.readString(REPO.resolve(file));
    }

    /** A source type as the wasm type a 32-bit wasm compiler gives it. */
    private static String wasmOf(String sourceType, String file) {
        String type = sourceType.trim();
        if (type.contains("*") || type.matches("(const )?(int32_t|uint32_t|i32|u32|usize|size_t|bool)")) {
            return "i32";
        }
        if (type.matches("(int64_t|uint64_t|i64|u64)")) {
            return "i64";
        }
        if (type.matches("(double|f64)")) {
            return "f64";
        }
        throw new AssertionError(file + ": no wasm type for '" + type + "'");
    }

    /** {@code a: T, b: U} or {@code T a, U b} to wasm types; the type is before or after the name. */
    private static String params(String list, boolean typeAfterColon, String file) {
        String trimmed = list.replaceAll("\\s+", " ").trim();
        if (trimmed.isEmpty() || trimmed.equals("void")) {
            return "";
        }
        List<String> types = new ArrayList<>();
        for (String param : trimmed.split(",")) {
            String p = param.trim();
            if (p.isEmpty()) {
                continue;
            }
            // a C pointer's star may sit on the name (const uint8_t *ptr)
            types.add(
                    !typeAfterColon && p.contains("*")
                            ? "i32"
                            : wasmOf(
                                    typeAfterColon
                                            ? p.substring(p.indexOf(':') + 1)
                                            : p.substring(0, p.lastIndexOf(' ')),
                                    file));
        }
        return String.join(", ", types);
    }

    /**
     * Every declaration a pattern finds, as name to signature: group 1 the name, the others the
     * parameters and the result; only names {@code keep} accepts.
     */
    private static void collect(
            Pattern pattern,
            int paramsGroup,
            int resultGroup,
            String file,
            boolean typeAfterColon,
            Predicate<String> keep,
            Map<String, String> found)
            throws IOException {
        Matcher m = pattern.matcher(read(file));
        while (m.find()) {
            if (keep.test(m.group(1))) {
                found.put(
                        m.group(1),
                        "(" + params(m.group(paramsGroup), typeAfterColon, file) + ") -> ("
                                + result(m.group(resultGroup), file) + ")");
            }
        }
    }

    private static String result(String type, String file) {
        return type == null || type.isBlank() || type.trim().equals("void") ? "" : wasmOf(type, file);
    }

    private static void assertSameImports(String copy, Map<String, String> found) {
        assertSameImports(copy, found, host());
    }

    private static void assertSameImports(String copy, Map<String, String> found, Map<String, String> host) {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> entry : host.entrySet()) {
            String theirs = found.get(entry.getKey());
            if (theirs == null) {
                differences.add("missing " + entry.getKey() + " " + entry.getValue());
            } else if (!theirs.equals(entry.getValue())) {
                differences.add(entry.getKey() + " is " + theirs + ", the host's is " + entry.getValue());
            }
        }
        for (String name : found.keySet()) {
            if (!host.containsKey(name)) {
                differences.add(name + " is not a host import (" + found.get(name) + ")");
            }
        }
        assertTrue(differences.isEmpty(), copy + " differs from HostImport: " + differences);
    }

    @Test
    void theCHeaderDeclaresEveryImportWithTheHostsSignature() throws IOException {
        Map<String, String> found = new TreeMap<>();
        collect(
                Pattern.compile("PW_IMPORT\\((\\w+)\\)\\s+([\\w ]+?)\\s+\\w+\\(([^)]*)\\)", Pattern.DOTALL),
                3,
                2,
                "sdk/c/pulsar_wasm.h",
                false,
                name -> true,
                found);
        assertSameImports("sdk/c/pulsar_wasm.h", found);
    }

    @Test
    void theRustSdksExternBlocksDeclareEveryImportWithTheHostsSignature() throws IOException {
        Map<String, String> found = new TreeMap<>();
        for (String file : List.of(
                "sdk/rust/src/lib.rs",
                "sdk/rust/src/record.rs",
                "sdk/rust/src/recover.rs",
                "sdk/rust/src/delivery.rs")) {
            Matcher block = Pattern.compile(
                            "#\\[link\\(wasm_import_module = \"pulsar\"\\)\\]\\s*extern \"C\" \\{(.*?)\\n\\s*\\}",
                            Pattern.DOTALL)
                    .matcher(read(file));
            while (block.find()) {
                Matcher m = RUST_FN.matcher(block.group(1));
                while (m.find()) {
                    found.put(
                            m.group(1),
                            "(" + params(m.group(2), true, file) + ") -> (" + result(m.group(3), file) + ")");
                }
            }
        }
        assertSameImports("the Rust SDK's extern blocks", found);
    }

    @Test
    void theRustSdksNativeTestHostDefinesEveryImportWithTheHostsSignature() throws IOException {
        Map<String, String> found = new TreeMap<>();
        collect(RUST_FN, 2, 3, "sdk/rust/src/testing.rs", true, host()::containsKey, found);
        assertSameImports("sdk/rust/src/testing.rs (its functions named as imports)", found);
    }

    private static final Pattern RUST_FN =
            Pattern.compile("pub (?:unsafe )?fn (\\w+)\\(([^)]*)\\)\\s*(?:->\\s*([\\w*]+))?", Pattern.DOTALL);

    @Test
    void theAssemblyScriptSdkDeclaresEveryImportWithTheHostsSignature() throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (var files = Files.list(REPO.resolve("sdk/assemblyscript"))) {
            for (Path path :
                    files.filter(p -> p.toString().endsWith(".ts")).sorted().toList()) {
                collect(
                        Pattern.compile(
                                "@external\\(\"pulsar\", \"(\\w+)\"\\)\\s*declare function \\w+\\(([^)]*)\\)\\s*:\\s*(\\w+)"),
                        2,
                        3,
                        REPO.relativize(path).toString(),
                        true,
                        name -> true,
                        found);
            }
        }
        assertSameImports("the AssemblyScript SDK's @external declarations", found);
    }

    @Test
    void theNodeTestHostOffersEveryImportWithTheHostsArity() throws IOException {
        String file = "sdk/assemblyscript/testing.mjs";
        Matcher m = Pattern.compile("^      (\\w+): \\(([^)]*)\\) =>", Pattern.MULTILINE)
                .matcher(read(file));
        Map<String, Integer> found = new TreeMap<>();
        while (m.find()) {
            String params = m.group(2).trim();
            found.put(m.group(1), params.startsWith("...") ? -1 : params.isEmpty() ? 0 : params.split(",").length);
        }
        List<String> differences = new ArrayList<>();
        for (HostImport hostImport : HostImport.values()) {
            if (hostImport.commandEntry()) {
                continue;
            }
            Integer arity = found.get(hostImport.importName());
            int expected = hostImport.type().params().size();
            if (arity == null) {
                differences.add("missing " + hostImport.importName());
            } else if (arity != -1 && arity != expected) {
                differences.add(hostImport.importName() + " takes " + arity + " arguments, the host's " + expected);
            }
        }
        assertTrue(differences.isEmpty(), file + " differs from HostImport: " + differences);
    }

    @Test
    void theGoSdkDeclaresEveryImportWithTheHostsSignature() throws IOException {
        Map<String, String> found = new TreeMap<>();
        Pattern declaration = Pattern.compile("//go:wasmimport pulsar (\\w+)\\s+func \\w+\\(([^)]*)\\)\\s*(\\w*)");
        try (var files = Files.list(REPO.resolve("sdk/go"))) {
            for (Path path :
                    files.filter(p -> p.toString().endsWith(".go")).sorted().toList()) {
                Matcher m = declaration.matcher(Files.readString(path));
                while (m.find()) {
                    List<String> params = new ArrayList<>();
                    for (String param : m.group(2).split(",")) {
                        if (!param.isBlank()) {
                            String[] words = param.trim().split("\\s+");
                            params.add(goWasmType(words[words.length - 1], path));
                        }
                    }
                    String result = m.group(3).isEmpty() ? "" : goWasmType(m.group(3), path);
                    found.put(m.group(1), "(" + String.join(", ", params) + ") -> (" + result + ")");
                }
            }
        }
        assertSameImports("the Go SDK's //go:wasmimport declarations", found, host(true));
    }

    /** A Go type as the wasm type Go's wasip1 port passes it as. */
    private static String goWasmType(String type, Path file) {
        return switch (type) {
            case "int32", "uint32", "uintptr", "unsafe.Pointer" -> "i32";
            case "int64", "uint64" -> "i64";
            case "float64" -> "f64";
            default -> throw new AssertionError(file + ": no wasm type for Go type '" + type + "'");
        };
    }

    @Test
    void theAbiPagesImportTableNamesEveryImportWithItsArityAndResult() throws IOException {
        String pip = read("docs/abi.md");
        int start = pip.indexOf("| import | signature | maps to |");
        assertTrue(start >= 0, "docs/abi.md has no import table");
        String table = pip.substring(start, pip.indexOf("\n\n", start));
        Map<String, String> found = new TreeMap<>();
        Matcher row = Pattern.compile(
                        "^\\| ((?:`\\w+`(?:, )?)+) \\| `\\(([^)]*)\\) -> \\(?(\\w*)\\)?`", Pattern.MULTILINE)
                .matcher(table);
        TreeSet<String> named = new TreeSet<>();
        Matcher names = Pattern.compile("`(\\w+)`").matcher(table);
        while (names.find()) {
            named.add(names.group(1));
        }
        while (row.find()) {
            String params = row.group(2).trim();
            int arity = params.isEmpty() ? 0 : params.split(",").length;
            for (String name : row.group(1).replace("`", "").split(", ")) {
                found.put(name, arity + " -> " + row.group(3));
            }
        }
        List<String> differences = new ArrayList<>();
        TreeSet<String> hostNames = new TreeSet<>();
        for (HostImport hostImport : HostImport.values()) {
            hostNames.add(hostImport.importName());
        }
        for (String name : found.keySet()) {
            if (!hostNames.contains(name)) {
                differences.add(name + " is not an import of the host's");
            }
        }
        for (HostImport hostImport : HostImport.values()) {
            String name = hostImport.importName();
            String expected = hostImport.type().params().size() + " -> " + hostResult(hostImport);
            if (!named.contains(name)) {
                differences.add("missing " + name);
            } else if (found.containsKey(name) && !found.get(name).equals(expected)) {
                differences.add(name + " is " + found.get(name) + " (arguments -> result), the host's " + expected);
            }
        }
        assertTrue(differences.isEmpty(), "docs/abi.md's import table differs from HostImport: " + differences);
    }

    @Test
    void everySdkAndHostCopyOfTheAbiVersionIsTheHosts() throws IOException {
        Map<String, Pattern> copies = new TreeMap<>();
        copies.put(
                "sdk/c/pulsar_wasm.h",
                Pattern.compile("PW_EXPORT\\(pulsar_abi_version\\) int32_t \\w+\\(void\\) \\{ return (\\d+); \\}"));
        copies.put("sdk/rust/src/lib.rs", Pattern.compile("pub const ABI_VERSION: i32 = (\\d+);"));
        copies.put(
                "sdk/assemblyscript/pulsar.ts",
                Pattern.compile("export function pulsar_abi_version\\(\\): i32 \\{\\s*return (\\d+);"));
        copies.put("sdk/assemblyscript/testing.mjs", Pattern.compile("if \\(version !== (\\d+)\\)"));
        copies.put("docs/abi.md", Pattern.compile("Any other value than (\\d+) is refused at load"));
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Pattern> copy : copies.entrySet()) {
            Matcher version = copy.getValue().matcher(read(copy.getKey()));
            if (!version.find()) {
                differences.add(copy.getKey() + " states no ABI version where expected (" + copy.getValue() + ")");
            } else if (Integer.parseInt(version.group(1)) != Abi.VERSION) {
                differences.add(copy.getKey() + " says " + version.group(1));
            }
        }
        assertTrue(differences.isEmpty(), "the host implements ABI version " + Abi.VERSION + ", but " + differences);
    }

    @Test
    void theJavaScriptPreludeMakesTheBridgesCalls() throws IOException {
        String prelude = read("pulsar-wasm-engine/src/main/resources/io/pulsarwasm/engine/prelude.js");
        String bridge = read("pulsar-wasm-engine/src/main/java/io/pulsarwasm/engine/JsBridge.java");
        TreeSet<String> made = new TreeSet<>();
        Matcher calls = Pattern.compile("\\b(?:one|oneWithText|oneWithout|call|raw)\\('(\\w+)'|bridge\\('(\\w+)'")
                .matcher(prelude);
        while (calls.find()) {
            made.add(calls.group(1) != null ? calls.group(1) : calls.group(2));
        }
        // a log line goes through the host function of its own, which JsNatives sends to the bridge's log
        if (prelude.contains("nativeLog(level, line, line.length)")
                && read("pulsar-wasm-engine/src/main/java/io/pulsarwasm/engine/JsNatives.java")
                        .contains("bridge.invoke(\"log\", ")) {
            made.add("log");
        }
        // the bridge's own calls (the invocation's), then the host calls it serves, each by its bridge name
        TreeSet<String> served = new TreeSet<>();
        Matcher cases = Pattern.compile("case \"(\\w\\w+)\" ->").matcher(bridge);
        while (cases.find()) {
            served.add(cases.group(1));
        }
        assertEquals(new TreeSet<>(List.of("error", "input", "output", "register")), served, "JsBridge's own calls");
        for (HostImport hostImport : HostImport.values()) {
            if (hostImport.bridgeName() != null) {
                served.add(hostImport.bridgeName());
            }
        }
        assertEquals(served, made, "the calls prelude.js makes and the calls JsBridge serves");
    }
}
