package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.Hostile.NAME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/** Hostile WASI directories: only configured directories are visible, and nothing leads outside them. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileWasiDirectoriesTest {

    @TempDir
    Path dir;

    private static final String OPEN_FILES = """
            (module
              (import "wasi_snapshot_preview1" "path_open"
                (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 200) "f")
              (func (export "process") (param i64) (result i64) (local $i i32) (local $opened i64)
                (loop $l
                  (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 1) (i32.const 0)
                                 (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 300)))
                    (then (local.set $opened (i64.add (local.get $opened) (i64.const 1)))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
                (local.get $opened)))""";

    private String mountError(Path hostDirectory, boolean writable, Limits limits) {
        WasiConfig wasi = new WasiConfig(
                true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(hostDirectory, writable)));
        return assertThrows(WasmLoadException.class, () -> {
                    try (WasmLoader loader =
                            WasmLoader.fromBytes(NAME, Wat.compile(OPEN_FILES), new Sandbox(limits, wasi))) {
                        loader.newInstance().close();
                    }
                })
                .getMessage();
    }

    private String holds(Path hostDirectory, String what, Path file) throws IOException {
        return "user config wasm.wasi.dirs: host directory '" + hostDirectory + "' (guest path '/data') holds "
                + what
                + ", '" + file.toRealPath(java.nio.file.LinkOption.NOFOLLOW_LINKS)
                + "'; a WASI directory may hold only"
                + " regular files and directories, so that the guest sees nothing outside it";
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aSymbolicLinkLeadingOutIsRefused(boolean writable) throws IOException {
        Path outside = Files.writeString(Files.createTempFile("secret", ".txt"), "secret");
        Path mounted = Files.createDirectories(dir.resolve("mounted/sub"));
        Path link = Files.createSymbolicLink(mounted.resolve("link"), outside);
        assertEquals(
                holds(dir.resolve("mounted"), "a symbolic link", link),
                mountError(dir.resolve("mounted"), writable, Limits.DEFAULTS));
        Files.delete(outside);
    }

    @Test
    void aSymbolicLinkToADeviceIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        assertEquals(holds(dir, "a symbolic link", link), mountError(dir, false, Limits.DEFAULTS));
    }

    @Test
    void aSpecialFileIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(holds(dir, "a special file", fifo), mountError(dir, true, Limits.DEFAULTS));
    }

    @Test
    void aMissingDirectoryNamesTheKey() {
        assertEquals(
                "user config wasm.wasi.dirs: host directory '" + dir.resolve("missing") + "' (guest path '/data') "
                        + "does not exist",
                mountError(dir.resolve("missing"), false, Limits.DEFAULTS));
    }

    @Test
    void aFileInsteadOfADirectoryNamesTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals(
                "user config wasm.wasi.dirs: host directory '" + file + "' (guest path '/data') is not a directory",
                mountError(file, false, Limits.DEFAULTS));
    }

    @Test
    void aCopyLargerThanTheFileSystemLimitIsRefused() throws IOException {
        Files.write(dir.resolve("big"), new byte[100_000]);
        String error = mountError(dir, false, Limits.DEFAULTS.with(Limit.WASI_MAX_FS_BYTES, 65536));
        assertTrue(
                error.startsWith("user config wasm.wasi.dirs: host directory '" + dir
                        + "' (guest path '/data') cannot be copied for the guest ("),
                error);
        assertTrue(
                error.endsWith("); its private copy may hold at most the limit of 65536 bytes (user config "
                        + "wasm.wasi.max-fs-bytes)"),
                error);
    }

    @Test
    void openFilesAreCapped() throws IOException {
        Files.writeString(dir.resolve("f"), "x");
        WasiConfig wasi =
                new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
        try (WasmLoader loader =
                        WasmLoader.fromBytes(NAME, Wat.compile(OPEN_FILES), new Sandbox(Limits.DEFAULTS, wasi));
                WasmInstance guest = loader.newInstance()) {
            assertEquals(64, guest.process(0L));
        }
    }

    @Test
    void renumberingADescriptorOntoItselfDoesNotFreeASlot() throws IOException {
        Files.writeString(dir.resolve("f"), "x");
        String module = OPEN_FILES.replace("""
              (memory (export "memory") 1)""", """
              (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
              (memory (export "memory") 1)""").replace("""
                (loop $l""", """
                (loop $l
                  (if (i32.ge_u (local.get $i) (i32.const 50))
                    (then (drop (call $fd_renumber (i32.load (i32.const 300)) (i32.load (i32.const 300))))))""");
        WasiConfig wasi =
                new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, Wat.compile(module), new Sandbox(Limits.DEFAULTS, wasi));
                WasmInstance guest = loader.newInstance()) {
            assertEquals(64, guest.process(0L));
        }
    }

    private static final String MKDIR = """
            (module
              (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "process") (param $length i64) (result i64) (local $i i32) (local $made i64)
                (if (i64.ne (local.get $length) (i64.const 0))
                  (then (return (i64.extend_i32_u
                    (call $mkdir (i32.const 3) (i32.const 100) (i32.wrap_i64 (local.get $length)))))))
                (loop $l
                  (i32.store8 (i32.const 100) (i32.add (i32.const 65) (i32.rem_u (local.get $i) (i32.const 26))))
                  (i32.store8 (i32.const 101)
                    (i32.add (i32.const 65) (i32.rem_u (i32.div_u (local.get $i) (i32.const 26)) (i32.const 26))))
                  (i32.store8 (i32.const 102) (i32.add (i32.const 65) (i32.div_u (local.get $i) (i32.const 676))))
                  (if (i32.eqz (call $mkdir (i32.const 3) (i32.const 100) (i32.const 3)))
                    (then (local.set $made (i64.add (local.get $made) (i64.const 1)))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
                (local.get $made)))""";

    @Test
    void filesAndDirectoriesInTheCopyAreCapped() throws IOException {
        Files.writeString(dir.resolve("f"), "x");
        WasiConfig wasi =
                new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
        try (WasmLoader loader = WasmLoader.fromBytes(
                        NAME, Wat.compile(MKDIR), new Sandbox(Limits.DEFAULTS.with(Limit.WASI_MAX_FILES, 100), wasi));
                WasmInstance guest = loader.newInstance()) {
            assertEquals(98, guest.process(0L)); // the copy's root and its file take two of the 100
            assertEquals(0, guest.process(0L));
        }
    }

    @Test
    void aLongPathIsRefused() {
        WasiConfig wasi =
                new WasiConfig(true, Map.of(), List.of(), Map.of("/data", new WasiConfig.Directory(dir, false)));
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, Wat.compile(MKDIR), new Sandbox(Limits.DEFAULTS, wasi));
                WasmInstance guest = loader.newInstance()) {
            assertEquals(37, guest.process(2000L)); // ENAMETOOLONG: longer than wasm.max-key-bytes
        }
    }

    @Test
    void standardOutputWithoutANewlineIsHeldToOneLine() {
        byte[] module = Wat.compile("""
                (module
                  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 2)
                  (func (export "process") (param i64) (result i64) (local $i i32)
                    (memory.fill (i32.const 1024) (i32.const 97) (i32.const 65536))
                    (i32.store (i32.const 400) (i32.const 1024)) (i32.store (i32.const 404) (i32.const 65536))
                    (loop $l
                      (drop (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 408)))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $l (i32.lt_u (local.get $i) (i32.const 160))))
                    (i32.store8 (i32.const 500) (i32.const 10))
                    (i32.store (i32.const 410) (i32.const 500)) (i32.store (i32.const 414) (i32.const 1))
                    (drop (call $fd_write (i32.const 1) (i32.const 410) (i32.const 1) (i32.const 408)))
                    (i64.const 0)))""");
        TestHost host = new TestHost();
        WasiConfig wasi = new WasiConfig(true, Map.of(), List.of(), Map.of());
        try (WasmLoader loader = WasmLoader.fromBytes(NAME, module, new Sandbox(Limits.DEFAULTS, wasi));
                WasmInstance guest = loader.newInstance(host)) {
            guest.process(0L);
            assertEquals(
                    List.of("INFO " + "a".repeat(8192)
                            + " [pulsar-wasm: a line of 10485760 bytes, cut to the limit "
                            + "of 8192 bytes (user config wasm.max-log-line-bytes)]"),
                    host.logLines());
        }
    }
}
