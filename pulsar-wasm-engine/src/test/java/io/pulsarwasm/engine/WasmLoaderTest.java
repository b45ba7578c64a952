package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import run.endive.wasm.WasmModule;

@org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
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
        TestHost recording = new TestHost().userConfig("greeting", "hello");
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            WasmInstance greeter = loader.newInstance(recording);
            assertEquals(15L, greeter.process(10));
            assertEquals(25L, greeter.process(20));
            greeter.close();
        }
        assertEquals(List.of("INFO ready", "INFO hello", "INFO hello", "INFO bye"), recording.logLines());
    }

    @Test
    void wholeNumbersFromJsonConfigReadWithoutFraction() {
        TestHost recording = new TestHost().userConfig("greeting", 300.0);
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            assertEquals(3L, loader.newInstance(recording).process(0));
        }
        assertEquals("INFO 300", recording.logLines().get(1));
    }

    @Test
    void loadersOfOneModuleShareOneCompileAndTheLastCloseEvictsIt() throws Exception {
        byte[] one = Wat.compile("(module (func (export \"process\") (param i64) (result i64) local.get 0))");
        byte[] other = Wat.compile(
                "(module (func (export \"process\") (param i64) (result i64) local.get 0 i64.const 1 i64.add))");
        int before = MachineFactories.cached();
        WasmLoader first = WasmLoader.fromBytes("one", one).withExecution(ExecutionMode.COMPILER);
        WasmLoader second = WasmLoader.fromBytes("one again", one.clone()).withExecution(ExecutionMode.COMPILER);
        WasmLoader third = WasmLoader.fromBytes("other", other).withExecution(ExecutionMode.COMPILER);
        assertEquals(before + 2, MachineFactories.cached(), "one entry per distinct module");
        assertEquals(7L, second.newInstance().process(7));
        assertEquals(8L, third.newInstance().process(7));
        first.close();
        assertEquals(before + 2, MachineFactories.cached(), "still held by the second loader");
        second.close();
        assertEquals(before + 1, MachineFactories.cached(), "the last loader of 'one' evicted it");
        third.close();
        assertEquals(before, MachineFactories.cached());
    }

    @Test
    void closingTheLoaderClosesItsInstances() {
        TestHost recording = new TestHost();
        WasmInstance greeter;
        try (WasmLoader loader = WasmLoader.fromResource(GREETER)) {
            greeter = loader.newInstance(recording);
        }
        assertEquals(List.of("INFO ready", "INFO bye"), recording.logLines());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> greeter.process(1));
        assertEquals("wasm module 'wasm/greeter.wasm': instance is closed", closed.getMessage());
    }

    @Test
    void loadsTheSameModuleFromEverySourceKind() throws Exception {
        Path file = Path.of(getClass().getClassLoader().getResource(GREETER).toURI());
        TestHost recording = new TestHost().userConfig("greeting", "hi");
        List<WasmLoader> loaders = List.of(
                WasmLoader.fromFile(file),
                WasmLoader.fromUrl(file.toUri().toURL()),
                WasmLoader.fromBytes("bytes", java.nio.file.Files.readAllBytes(file)),
                WasmLoader.fromLocation("classpath:" + GREETER, getClass().getClassLoader()),
                WasmLoader.fromLocation(file.toUri().toString(), getClass().getClassLoader()),
                WasmLoader.fromLocation(file.toString(), getClass().getClassLoader()));
        for (WasmLoader loader : loaders) {
            try (loader) {
                assertEquals(3L, loader.newInstance(recording).process(1), loader.name());
            }
        }
        assertEquals(
                List.of("greeter.wasm", "greeter.wasm", "bytes", "greeter.wasm", "greeter.wasm", "greeter.wasm"),
                loaders.stream().map(WasmLoader::name).toList());
    }

    @Test
    void missingResourceIsNamed() {
        assertLoadError(
                "wasm module resource 'wasm/nope.wasm' not found on the classpath",
                () -> WasmLoader.fromResource("wasm/nope.wasm"));
    }

    @Test
    void missingFileIsNamed() throws Exception {
        assertLoadError(
                "wasm module file '/nonexistent/f.wasm' does not exist on host "
                        + InetAddress.getLocalHost().getHostName(),
                () -> WasmLoader.fromFile(Path.of("/nonexistent/f.wasm")));
    }

    @Test
    void unsupportedLocationSaysWhatIsAccepted() {
        assertLoadError(
                "unsupported wasm module location 'f.wasm': use classpath:<resource>, "
                        + "file:///<absolute path>, an absolute path or a URL",
                () -> WasmLoader.fromLocation("f.wasm", getClass().getClassLoader()));
    }

    @Test
    void bytesThatAreNotWasmAreRejectedWithWhatWasFound() {
        assertLoadError(
                "wasm module 'elf' is not a WebAssembly module: it starts with bytes [7f 45 4c 46], "
                        + "expected the magic number [00 61 73 6d]",
                () -> WasmLoader.fromBytes("elf", new byte[] {0x7f, 'E', 'L', 'F', 2, 1}));
        assertLoadError(
                "wasm module 'empty' is not a WebAssembly module: it starts with bytes [], "
                        + "expected the magic number [00 61 73 6d]",
                () -> WasmLoader.fromBytes("empty", new byte[0]));
    }

    @Test
    void malformedModuleIsRejectedWithTheParserReason() {
        byte[] truncated = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x7f};
        WasmLoadException error =
                assertThrows(WasmLoadException.class, () -> WasmLoader.fromBytes("broken", truncated));
        assertEquals("wasm module 'broken' is malformed: length out of bounds for section1", error.getMessage());
    }

    @Test
    void entryWithTheWrongSignatureSaysExpectedAndFound() {
        assertLoadError(
                "wasm module 'wasm/wrong_signature.wasm' export 'process' has signature (i32) -> (i32); "
                        + "expected process(i64) -> (i64) or process(i32, i32) -> (i32)",
                () -> WasmLoader.fromResource("wasm/wrong_signature.wasm"));
    }

    @Test
    void missingEntryIsNamed() {
        assertLoadError(
                "wasm module 'wasm/no_process.wasm' has no function export 'process'; "
                        + "expected process(i64) -> (i64) or process(i32, i32) -> (i32)",
                () -> WasmLoader.fromResource("wasm/no_process.wasm"));
    }

    @Test
    void unknownImportIsNamedWithWhatTheHostProvides() {
        assertLoadError(
                "wasm module 'wasm/unknown_import.wasm' imports function 'env.abort' (i32, i32, i32, i32) -> (), "
                        + "which the host does not provide (it provides functions of module 'pulsar': log, get_config, "
                        + "get_secret, set_output, set_error, get_key, get_topic, get_property, get_properties, "
                        + "get_event_time, get_message_id, get_schema, get_tenant, get_namespace, get_function_name, get_instance_id, "
                        + "get_num_instances, get_redelivery_count, state_get, state_put, state_delete, counter_incr, "
                        + "counter_get, publish, "
                        + "record_metric, try_state_get, try_state_put, try_state_delete, try_counter_incr, "
                        + "try_counter_get, try_publish, last_error, next_input, take_result)",
                () -> WasmLoader.fromResource("wasm/unknown_import.wasm"));
    }

    @Test
    void importWithTheWrongSignatureSaysExpectedAndFound() {
        assertLoadError(
                "wasm module 'wasm/wrong_import_signature.wasm' imports 'pulsar.log' with signature (i32) -> (); "
                        + "the host provides (i32, i32, i32) -> ()",
                () -> WasmLoader.fromResource("wasm/wrong_import_signature.wasm"));
    }

    @Test
    void importsThatReturnDataNeedAnAllocExport() {
        assertLoadError(
                "wasm module 'wasm/no_alloc.wasm' has no export 'alloc'; expected a function alloc(i32) -> (i32)",
                () -> WasmLoader.fromResource("wasm/no_alloc.wasm"));
    }

    @Test
    void importsNeedTheMemoryExported() {
        assertLoadError(
                "wasm module 'wasm/no_memory.wasm' imports host functions but does not export its memory as 'memory'",
                () -> WasmLoader.fromResource("wasm/no_memory.wasm"));
    }

    @Test
    void trapInInitFailsInstantiationAndReleasesTheInstance() {
        int deadlines = io.pulsarwasm.engine.internal.Watchdog.deadlines();
        try (WasmLoader loader = WasmLoader.fromResource("wasm/init_traps.wasm")) {
            for (int attempt = 0; attempt < 3; attempt++) {
                WasmLoadException error = assertThrows(WasmLoadException.class, loader::newInstance);
                assertEquals(
                        "wasm module 'wasm/init_traps.wasm': export 'init' trapped: "
                                + "Trapped on unreachable instruction",
                        error.getMessage());
            }
        }
        assertEquals(deadlines, io.pulsarwasm.engine.internal.Watchdog.deadlines(), "deadlines left behind");
    }

    @Test
    void guestFaultsNameModuleExportAndReasonAndTheInstanceGoesOn() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/misbehaving.wasm");
                WasmInstance guest = loader.newInstance()) {
            String prefix = "wasm module 'wasm/misbehaving.wasm': export 'process' ";
            assertExecutionError(
                    prefix + "failed in host call pulsar.log: guest range [65530, 65630) "
                            + "is outside guest memory of 65536 bytes",
                    () -> guest.process(0));
            assertExecutionError(
                    prefix + "failed in host call pulsar.log: level 9 is not one of "
                            + "0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)",
                    () -> guest.process(1));
            assertExecutionError(
                    prefix + "failed in host call pulsar.log: the 2 bytes at guest address 0 " + "are not valid UTF-8",
                    () -> guest.process(2));
            assertExecutionError(prefix + "trapped: Trapped on unreachable instruction", () -> guest.process(3));
            assertExecutionError(prefix + "trapped: integer divide by zero", () -> guest.process(4));
            assertEquals(42L, guest.process(42));
        }
    }

    @Test
    void bytesEntryPointEchoesFiltersAndReportsGuestErrors() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/echo.wasm");
                WasmInstance echo = loader.newInstance()) {
            assertEquals(EntryPoint.BYTES, loader.entryPoint());
            assertArrayEquals(
                    "hello".getBytes(StandardCharsets.UTF_8),
                    echo.process("hello".getBytes(StandardCharsets.UTF_8)).output());
            assertNull(echo.process(new byte[0]).output());
            GuestErrorException error = assertThrows(GuestErrorException.class, () -> echo.process(new byte[] {'E'}));
            assertEquals("wasm module 'wasm/echo.wasm': export 'process' returned status 1: boom", error.getMessage());
            assertEquals(1, error.status());
            assertEquals("boom", error.guestMessage());
            assertExecutionError(
                    "wasm module 'wasm/echo.wasm': export 'process' returned status 7: "
                            + "(no message: the guest did not call pulsar.set_error)",
                    () -> echo.process(new byte[] {'S'}));
            assertExecutionError(
                    "wasm module 'wasm/echo.wasm': export 'process' failed in host call "
                            + "pulsar.set_output: called twice in one invocation; a function has one output",
                    () -> echo.process(new byte[] {'T'}));
            assertArrayEquals(
                    new byte[] {'o', 'k'}, echo.process(new byte[] {'o', 'k'}).output());
        }
    }

    @Test
    void callingTheOtherEntryPointSaysWhichOneTheModuleHas() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/echo.wasm");
                WasmInstance echo = loader.newInstance()) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> echo.process(1L));
            assertEquals(
                    "wasm module 'wasm/echo.wasm' exports process(i32, i32) -> (i32), not process(i64) -> (i64); "
                            + "process(long) cannot call it",
                    error.getMessage());
        }
    }

    @Test
    void bytesEntryPointNeedsAlloc() {
        assertLoadError(
                "wasm module 'wasm/bytes_without_alloc.wasm' has no export 'alloc'; "
                        + "expected a function alloc(i32) -> (i32)",
                () -> WasmLoader.fromResource("wasm/bytes_without_alloc.wasm"));
    }

    @Test
    void moduleBuiltForAnotherAbiVersionIsRefused() {
        try (WasmLoader loader = WasmLoader.fromResource("wasm/future_abi.wasm")) {
            assertLoadError(
                    "wasm module 'wasm/future_abi.wasm' was built for ABI version 2; "
                            + "this host implements version 1",
                    loader::newInstance);
        }
    }

    @Test
    void aModuleIsCompiledOncePerJvmSharedByItsLoadersAndEvictedWithTheLast() {
        WasmModule compiledOnce;
        try (WasmLoader first = WasmLoader.fromResource(GREETER).withExecution(ExecutionMode.COMPILER);
                WasmLoader second = WasmLoader.fromResource(GREETER).withExecution(ExecutionMode.COMPILER)) {
            // each loader parses its own module object; the second is handed the first one's compiled form
            compiledOnce = first.module();
            assertSame(compiledOnce, second.module());
            assertNotSame(compiledOnce, WasmLoader.fromResource(GREETER).module());
            assertEquals(ExecutionMode.COMPILER, first.executionMode());
            assertEquals(-1L, first.newInstance().process(3));
            first.close();
            assertEquals(-1L, second.newInstance().process(3));
        }
        try (WasmLoader third = WasmLoader.fromResource(GREETER).withExecution(ExecutionMode.COMPILER)) {
            assertNotSame(compiledOnce, third.module());
            assertEquals(-1L, third.newInstance().process(3));
        }
    }

    private static void assertLoadError(String expected, org.junit.jupiter.api.function.Executable load) {
        assertEquals(expected, assertThrows(WasmLoadException.class, load).getMessage());
    }

    private static void assertExecutionError(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(WasmExecutionException.class, call).getMessage());
    }
}
