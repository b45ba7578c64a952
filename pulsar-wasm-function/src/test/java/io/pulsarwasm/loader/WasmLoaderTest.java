package io.pulsarwasm.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.RecordingContext;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WasmLoaderTest {

    private static final String GREETER = "wasm/greeter.wasm";

    @Test
    void callsProcessWithoutAContextAndSeesConfigAbsent() {
        try (WasmLoader loader = WasmLoader.fromResource(GREETER);
                WasmInstance greeter = loader.newInstance()) {
            assertEquals(-1L, greeter.process(10));
        }
    }

    @Test
    void guestReadsConfigAndLogsThroughTheContext() {
        RecordingContext recording = new RecordingContext(Map.of("greeting", "hello"));
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            WasmInstance greeter = loader.newInstance(recording.context());
            assertEquals(15L, greeter.process(10));
            assertEquals(25L, greeter.process(20));
            greeter.close();
        }
        assertEquals(List.of("INFO ready", "INFO hello", "INFO hello", "INFO bye"), recording.logLines());
    }

    @Test
    void wholeNumbersFromJsonConfigReadWithoutFraction() {
        RecordingContext recording = new RecordingContext(Map.of("greeting", 300.0));
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            assertEquals(3L, loader.newInstance(recording.context()).process(0));
        }
        assertEquals("INFO 300", recording.logLines().get(1));
    }

    @Test
    void closingTheLoaderClosesItsInstances() {
        RecordingContext recording = new RecordingContext(Map.of());
        WasmInstance greeter;
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            greeter = loader.newInstance(recording.context());
        }
        assertEquals(List.of("INFO ready", "INFO bye"), recording.logLines());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> greeter.process(1));
        assertEquals("wasm module 'wasm/greeter.wasm': instance is closed", closed.getMessage());
    }

    @Test
    void loadsTheSameModuleFromEverySourceKind() throws Exception {
        Path file = Path.of(getClass().getClassLoader().getResource(GREETER).toURI());
        RecordingContext recording = new RecordingContext(Map.of("greeting", "hi"));
        List<WasmLoader> loaders = List.of(
                WasmLoader.fromFile(file),
                WasmLoader.fromUrl(file.toUri().toURL()),
                WasmLoader.fromBytes("bytes", java.nio.file.Files.readAllBytes(file)),
                WasmLoader.fromLocation("classpath:" + GREETER, getClass().getClassLoader()),
                WasmLoader.fromLocation(file.toUri().toString(), getClass().getClassLoader()),
                WasmLoader.fromLocation(file.toString(), getClass().getClassLoader()));
        for (WasmLoader loader : loaders) {
            try (loader) {
                assertEquals(3L, loader.newInstance(recording.context()).process(1), loader.name());
            }
        }
        assertEquals(List.of("greeter.wasm", "greeter.wasm", "bytes", "greeter.wasm", "greeter.wasm", "greeter.wasm"),
                loaders.stream().map(WasmLoader::name).toList());
    }

    @Test
    void missingResourceIsNamed() {
        assertLoadError("wasm module resource 'wasm/nope.wasm' not found on the classpath",
                () -> WasmLoader.fromResource("wasm/nope.wasm"));
    }

    @Test
    void missingFileIsNamed() {
        assertLoadError("wasm module file '/nonexistent/f.wasm' does not exist",
                () -> WasmLoader.fromFile(Path.of("/nonexistent/f.wasm")));
    }

    @Test
    void unsupportedLocationSaysWhatIsAccepted() {
        assertLoadError("unsupported wasm module location 'f.wasm': use classpath:<resource>, "
                        + "file:///<absolute path>, an absolute path or a URL",
                () -> WasmLoader.fromLocation("f.wasm", getClass().getClassLoader()));
    }

    @Test
    void bytesThatAreNotWasmAreRejectedWithWhatWasFound() {
        assertLoadError("wasm module 'elf' is not a WebAssembly module: it starts with bytes [7f 45 4c 46], "
                        + "expected the magic number [00 61 73 6d]",
                () -> WasmLoader.fromBytes("elf", new byte[] {0x7f, 'E', 'L', 'F', 2, 1}));
        assertLoadError("wasm module 'empty' is not a WebAssembly module: it starts with bytes [], "
                        + "expected the magic number [00 61 73 6d]",
                () -> WasmLoader.fromBytes("empty", new byte[0]));
    }

    @Test
    void malformedModuleIsRejectedWithTheParserReason() {
        byte[] truncated = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x7f};
        WasmLoadException error = assertThrows(WasmLoadException.class, () -> WasmLoader.fromBytes("broken", truncated));
        assertEquals("wasm module 'broken' is malformed: " + error.getCause().getMessage(), error.getMessage());
    }

    @Test
    void entryWithTheWrongSignatureSaysExpectedAndFound() {
        assertLoadError("wasm module 'wasm/wrong_signature.wasm' export 'process' has signature (i32) -> (i32); "
                        + "expected (i64) -> (i64)",
                () -> WasmLoader.fromResource("wasm/wrong_signature.wasm"));
    }

    @Test
    void missingEntryIsNamed() {
        assertLoadError("wasm module 'wasm/no_process.wasm' has no export 'process'; "
                        + "expected a function process(i64) -> (i64)",
                () -> WasmLoader.fromResource("wasm/no_process.wasm"));
    }

    @Test
    void unknownImportIsNamedWithWhatTheHostProvides() {
        assertLoadError("wasm module 'wasm/unknown_import.wasm' imports function 'env.abort' (i32, i32, i32, i32) -> (), "
                        + "which the host does not provide (it provides pulsar.log(i32, i32, i32) -> (), "
                        + "pulsar.get_config(i32, i32) -> (i64))",
                () -> WasmLoader.fromResource("wasm/unknown_import.wasm"));
    }

    @Test
    void importWithTheWrongSignatureSaysExpectedAndFound() {
        assertLoadError("wasm module 'wasm/wrong_import_signature.wasm' imports 'pulsar.log' with signature (i32) -> (); "
                        + "the host provides (i32, i32, i32) -> ()",
                () -> WasmLoader.fromResource("wasm/wrong_import_signature.wasm"));
    }

    @Test
    void importsThatReturnDataNeedAnAllocExport() {
        assertLoadError("wasm module 'wasm/no_alloc.wasm' has no export 'alloc'; expected a function alloc(i32) -> (i32)",
                () -> WasmLoader.fromResource("wasm/no_alloc.wasm"));
    }

    @Test
    void importsNeedTheMemoryExported() {
        assertLoadError("wasm module 'wasm/no_memory.wasm' imports host functions but does not export its memory as 'memory'",
                () -> WasmLoader.fromResource("wasm/no_memory.wasm"));
    }

    @Test
    void trapInInitFailsInstantiation() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/init_traps.wasm")) {
            WasmLoadException error = assertThrows(WasmLoadException.class, loader::newInstance);
            assertEquals("wasm module 'wasm/init_traps.wasm': export 'init' trapped: "
                    + error.getCause().getCause().getMessage(), error.getMessage());
        }
    }

    @Test
    void guestFaultsNameModuleExportAndReasonAndTheInstanceGoesOn() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/misbehaving.wasm");
                WasmInstance guest = loader.newInstance()) {
            String prefix = "wasm module 'wasm/misbehaving.wasm': export 'process' ";
            assertExecutionError(prefix + "failed in host call pulsar.log: guest range [65530, 65630) "
                    + "is outside guest memory of 65536 bytes", () -> guest.process(0));
            assertExecutionError(prefix + "failed in host call pulsar.log: level 9 is not one of "
                    + "0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)", () -> guest.process(1));
            assertExecutionError(prefix + "failed in host call pulsar.log: the 2 bytes at guest address 0 "
                    + "are not valid UTF-8", () -> guest.process(2));
            assertExecutionError(prefix + "trapped: Trapped on unreachable instruction", () -> guest.process(3));
            assertExecutionError(prefix + "trapped: integer divide by zero", () -> guest.process(4));
            assertEquals(42L, guest.process(42));
        }
    }

    private static void assertLoadError(String expected, org.junit.jupiter.api.function.Executable load) {
        assertEquals(expected, assertThrows(WasmLoadException.class, load).getMessage());
    }

    private static void assertExecutionError(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(WasmExecutionException.class, call).getMessage());
    }
}
