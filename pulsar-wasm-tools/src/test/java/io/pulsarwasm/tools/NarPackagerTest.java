package io.pulsarwasm.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.engine.Sandbox;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.engine.WasmLoader;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NarPackagerTest {

    @TempDir
    Path dir;

    @Test
    void bundlesTheModuleUnderTheFunctionClassNameAndRewritesTheDescriptor() throws Exception {
        Path generic = genericNar();
        Path module = resource("wasm/echo.wasm");
        Path output = dir.resolve("echo.nar");

        assertEquals(
                NarPackager.Type.STRING, NarPackager.packageModule(generic, module, NarPackager.Type.STRING, output));

        Map<String, byte[]> entries = entries(output);
        assertEquals(
                java.util.List.of(
                        "META-INF/MANIFEST.MF",
                        "io/pulsarwasm/Some.class",
                        "META-INF/services/pulsar-io.yaml",
                        "io.pulsarwasm.function.WasmStringFunction.wasm"),
                java.util.List.copyOf(entries.keySet()));
        assertEquals(
                "name: echo\ndescription: echo.wasm run by pulsar-wasm\n"
                        + "functionClass: io.pulsarwasm.function.WasmStringFunction\n",
                new String(entries.get("META-INF/services/pulsar-io.yaml"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(module), entries.get("io.pulsarwasm.function.WasmStringFunction.wasm"));
        assertArrayEquals("class".getBytes(StandardCharsets.UTF_8), entries.get("io/pulsarwasm/Some.class"));
    }

    @Test
    void aWindowFunctionsModuleIsBundledUnderTheWindowClass() throws Exception {
        Path module = resource("wasm/echo.wasm");
        Path output = dir.resolve("window.nar");
        assertEquals(
                NarPackager.Type.WINDOW,
                NarPackager.packageModule(genericNar(), module, NarPackager.Type.WINDOW, output));
        Map<String, byte[]> entries = entries(output);
        assertArrayEquals(Files.readAllBytes(module), entries.get("io.pulsarwasm.function.WasmWindowFunction.wasm"));
        assertEquals(
                "name: echo\ndescription: echo.wasm run by pulsar-wasm\n"
                        + "functionClass: io.pulsarwasm.function.WasmWindowFunction\n",
                new String(entries.get("META-INF/services/pulsar-io.yaml"), StandardCharsets.UTF_8));
    }

    @Test
    void choosesTheTypeFromTheEntryPointAndRefusesAMismatch() throws Exception {
        Path generic = genericNar();
        assertEquals(
                NarPackager.Type.LONG,
                NarPackager.packageModule(generic, resource("wasm/greeter.wasm"), null, dir.resolve("a.nar")));
        assertEquals(
                NarPackager.Type.BYTES,
                NarPackager.packageModule(generic, resource("wasm/echo.wasm"), null, dir.resolve("b.nar")));
        WasmLoadException error = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(
                        generic, resource("wasm/greeter.wasm"), NarPackager.Type.BYTES, dir.resolve("c.nar")));
        assertEquals(
                "wasm module 'greeter.wasm' exports process(i64) -> (i64); --type bytes needs "
                        + "process(i32, i32) -> (i32)",
                error.getMessage());
    }

    @Test
    void checksTheModuleAgainstTheUserConfigItWillBeDeployedWith() throws Exception {
        Path generic = genericNar();
        WasmLoadException big = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(generic, resource("wasm/big_memory.wasm"), null, dir.resolve("a.nar")));
        assertEquals(
                "wasm module 'big_memory.wasm' declares a memory of 300 initial pages, more than the limit of "
                        + "256 pages (16 MiB) (user config wasm.max-memory-pages)",
                big.getMessage());
        assertEquals(
                NarPackager.Type.LONG,
                NarPackager.packageModule(
                        generic,
                        resource("wasm/big_memory.wasm"),
                        null,
                        NarPackager.userConfig("{\"wasm.max-memory-pages\": 300, \"factor\": 3}"),
                        dir.resolve("a.nar")));

        WasmLoadException wasi = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(generic, resource("wasm/wasi_hello.wasm"), null, dir.resolve("b.nar")));
        assertEquals(
                "wasm module 'wasi_hello.wasm' imports 'wasi_snapshot_preview1.fd_write', but WASI is off; "
                        + "set user config wasm.wasi.enabled to true to give the guest WASI",
                wasi.getMessage());
        assertEquals(
                NarPackager.Type.LONG,
                NarPackager.packageModule(
                        generic,
                        resource("wasm/wasi_hello.wasm"),
                        null,
                        NarPackager.userConfig("{\"wasm.wasi.enabled\": true}"),
                        dir.resolve("b.nar")));
    }

    @Test
    void packagesARecordFunctionWithItsRecordKeysCheckedAndRefusesThemForOtherTypes() throws Exception {
        Path generic = genericNar();
        Path output = dir.resolve("echo-record.nar");
        assertEquals(
                NarPackager.Type.RECORD,
                NarPackager.packageModule(
                        generic,
                        resource("wasm/echo.wasm"),
                        NarPackager.Type.RECORD,
                        NarPackager.userConfig("{\"wasm.record.format\": \"raw\"}"),
                        output));
        assertTrue(entries(output).containsKey("io.pulsarwasm.function.WasmRecordFunction.wasm"));
        assertEquals(
                "user config wasm.record.format must be json or raw, got 'xml'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> NarPackager.packageModule(
                                        generic,
                                        resource("wasm/echo.wasm"),
                                        NarPackager.Type.RECORD,
                                        NarPackager.userConfig("{\"wasm.record.format\": \"xml\"}"),
                                        dir.resolve("a.nar")))
                        .getMessage());
        String bytes = assertThrows(
                        IllegalArgumentException.class,
                        () -> NarPackager.packageModule(
                                generic,
                                resource("wasm/echo.wasm"),
                                NarPackager.Type.BYTES,
                                NarPackager.userConfig("{\"wasm.record.format\": \"raw\"}"),
                                dir.resolve("b.nar")))
                .getMessage();
        assertTrue(bytes.startsWith("unknown user config key 'wasm.record.format'"), bytes);
    }

    @Test
    void refusesAUserConfigThatIsNotAJsonObjectOrHasAnUnknownWasmKey() throws Exception {
        String notAnObject = assertThrows(IllegalArgumentException.class, () -> NarPackager.userConfig("[1]"))
                .getMessage();
        assertTrue(notAnObject.startsWith("--user-config: not a JSON object: [1] ("), notAnObject);
        Path generic = genericNar();
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class,
                () -> NarPackager.packageModule(
                        generic,
                        resource("wasm/greeter.wasm"),
                        null,
                        NarPackager.userConfig("{\"wasm.max-memory-page\": 300}"),
                        dir.resolve("c.nar")));
        assertTrue(
                typo.getMessage()
                        .startsWith("unknown user config key 'wasm.max-memory-page'; did you mean "
                                + "'wasm.max-memory-pages'?"),
                typo.getMessage());
        Path missing = dir.resolve("missing.wasm");
        assertEquals(
                "wasm module file '" + missing + "' does not exist",
                assertThrows(
                                WasmLoadException.class,
                                () -> NarPackager.packageModule(generic, missing, null, dir.resolve("d.nar")))
                        .getMessage());
    }

    @Test
    void bundlesAJavaScriptFunctionAsAStringFunctionUnderItsDotJsName() throws Exception {
        Path generic = genericNar();
        Path script =
                script("shout.js", "export function process(input, ctx) {\n  return input.toUpperCase() + '!';\n}\n");
        Path output = dir.resolve("shout.nar");

        assertEquals(NarPackager.Type.STRING, NarPackager.packageModule(generic, script, null, output));

        Map<String, byte[]> entries = entries(output);
        assertEquals(
                java.util.List.of(
                        "META-INF/MANIFEST.MF",
                        "io/pulsarwasm/Some.class",
                        "META-INF/services/pulsar-io.yaml",
                        "io.pulsarwasm.function.WasmStringFunction.js"),
                java.util.List.copyOf(entries.keySet()));
        assertEquals(
                "name: shout\ndescription: shout.js run by pulsar-wasm\n"
                        + "functionClass: io.pulsarwasm.function.WasmStringFunction\n",
                new String(entries.get("META-INF/services/pulsar-io.yaml"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(script), entries.get("io.pulsarwasm.function.WasmStringFunction.js"));

        // the function finds it where AbstractWasmFunction.defaultModuleLocation looks, and it runs
        try (URLClassLoader nar = new URLClassLoader(new URL[] {output.toUri().toURL()}, null);
                WasmLoader loader = WasmLoader.fromLocation(
                        "classpath:io.pulsarwasm.function.WasmStringFunction.js", nar, Sandbox.DEFAULT);
                WasmInstance instance = loader.newInstance()) {
            assertTrue(loader.isJavaScript());
            assertEquals(
                    "HEY!",
                    new String(
                            instance.process("hey".getBytes(StandardCharsets.UTF_8))
                                    .output(),
                            StandardCharsets.UTF_8));
        }
    }

    @Test
    void packagesAJavaScriptFunctionWithTheTypeGivenAndAnMjsAsDotJs() throws Exception {
        Path generic = genericNar();
        Path bytes = script("checksum.js", "export function process(input) { return input; }\n");
        assertEquals(
                NarPackager.Type.BYTES,
                NarPackager.packageModule(generic, bytes, NarPackager.Type.BYTES, dir.resolve("checksum.nar")));
        Map<String, byte[]> entries = entries(dir.resolve("checksum.nar"));
        assertEquals(
                "name: checksum\ndescription: checksum.js run by pulsar-wasm\n"
                        + "functionClass: io.pulsarwasm.function.WasmBytesFunction\n",
                new String(entries.get("META-INF/services/pulsar-io.yaml"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(bytes), entries.get("io.pulsarwasm.function.WasmBytesFunction.js"));
        assertEquals(4, entries.size(), entries.keySet().toString());

        Path record = script("visits.mjs", "export function process(input) { return input; }\n");
        assertEquals(
                NarPackager.Type.RECORD,
                NarPackager.packageModule(
                        generic,
                        record,
                        NarPackager.Type.RECORD,
                        NarPackager.userConfig("{\"wasm.record.format\": \"json\"}"),
                        dir.resolve("visits.nar")));
        entries = entries(dir.resolve("visits.nar"));
        assertEquals(
                "name: visits\ndescription: visits.mjs run by pulsar-wasm\n"
                        + "functionClass: io.pulsarwasm.function.WasmRecordFunction\n",
                new String(entries.get("META-INF/services/pulsar-io.yaml"), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(record), entries.get("io.pulsarwasm.function.WasmRecordFunction.js"));
    }

    @Test
    void refusesTypeLongForAJavaScriptFunction() throws Exception {
        Path generic = genericNar();
        Path output = dir.resolve("shout.nar");
        WasmLoadException error = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(
                        generic,
                        script("shout.js", "export function process(input) { return input; }\n"),
                        NarPackager.Type.LONG,
                        output));
        assertEquals(
                "JavaScript function 'shout.js' cannot run with --type long; "
                        + "use --type string (the default), bytes or record",
                error.getMessage());
        assertFalse(Files.exists(output));
    }

    @Test
    void refusesAJavaScriptFunctionThatDoesNotCompileOrHasNoProcess() throws Exception {
        Path generic = genericNar();
        Path output = dir.resolve("bad.nar");
        WasmLoadException syntax = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(
                        generic,
                        script("bad.js", "export function process(input) {\n  return input +;\n}\n"),
                        null,
                        output));
        // the engine's message, naming file and line (QuickJS's wording of the error class and column is its own)
        assertTrue(
                syntax.getMessage()
                        .matches("JavaScript function 'bad\\.js' does not compile: (Syntax)?Error: "
                                + "unexpected token in expression: ';'\n    at bad\\.js:2:\\d+"),
                syntax.getMessage());
        WasmLoadException noProcess = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(
                        generic, script("bad.js", "export const process = 42;\n"), NarPackager.Type.BYTES, output));
        assertEquals(
                "JavaScript function 'bad.js' declares no function process: it must define process(input, ctx), "
                        + "e.g. export function process(input, ctx) { return input; }",
                noProcess.getMessage());
        assertFalse(Files.exists(output));
    }

    @Test
    void checksAJavaScriptFunctionAgainstTheUserConfigItWillBeDeployedWith() throws Exception {
        Path generic = genericNar();
        Path script = script("shout.js", "export function process(input) { return input; }\n");
        WasmLoadException big = assertThrows(
                WasmLoadException.class,
                () -> NarPackager.packageModule(
                        generic,
                        script,
                        null,
                        NarPackager.userConfig("{\"wasm.max-module-bytes\": 16}"),
                        dir.resolve("a.nar")));
        assertEquals(
                "JavaScript function 'shout.js' is " + Files.size(script) + " bytes, more than the limit of 16 bytes "
                        + "(user config wasm.max-module-bytes)",
                big.getMessage());
        String typo = assertThrows(
                        IllegalArgumentException.class,
                        () -> NarPackager.packageModule(
                                generic,
                                script,
                                null,
                                NarPackager.userConfig("{\"wasm.max-memory-page\": 300}"),
                                dir.resolve("a.nar")))
                .getMessage();
        assertTrue(typo.startsWith("unknown user config key 'wasm.max-memory-page'"), typo);
        Path missing = dir.resolve("missing.js");
        assertEquals(
                "JavaScript function file '" + missing + "' does not exist",
                assertThrows(
                                WasmLoadException.class,
                                () -> NarPackager.packageModule(generic, missing, null, dir.resolve("a.nar")))
                        .getMessage());
        assertFalse(Files.exists(dir.resolve("a.nar")));
    }

    private Path script(String name, String source) throws IOException {
        return Files.writeString(dir.resolve(name), source);
    }

    private Path genericNar() throws IOException {
        Path nar = dir.resolve("generic.nar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(nar))) {
            for (String[] entry : new String[][] {
                {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                {"META-INF/services/pulsar-io.yaml", "name: wasm\nfunctionClass: x\n"},
                {"io/pulsarwasm/Some.class", "class"}
            }) {
                out.putNextEntry(new ZipEntry(entry[0]));
                out.write(entry[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return nar;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(NarPackagerTest.class.getClassLoader().getResource(name).toURI());
    }

    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(file.entries())) {
                entries.put(entry.getName(), file.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }
}
