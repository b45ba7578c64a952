package io.pulsarwasm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hostile test modules, written as text and compiled by wabt's {@code wat2wasm} (the tool the build
 * already uses for {@code src/test/wat}), so that large ones are generated here instead of committed.
 */
final class Wat {

    /** Imports of every host function a hostile module may call, and a memory and bump allocator. */
    static final String HOST = """
            (import "pulsar" "log" (func $log (param i32 i32 i32)))
            (import "pulsar" "set_output" (func $set_output (param i32 i32)))
            (import "pulsar" "set_error" (func $set_error (param i32 i32)))
            (import "pulsar" "publish" (func $publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
            (import "pulsar" "state_get" (func $state_get (param i32 i32) (result i64)))
            (import "pulsar" "state_put" (func $state_put (param i32 i32 i32 i32)))
            (import "pulsar" "counter_incr" (func $counter_incr (param i32 i32 i64)))
            (import "pulsar" "counter_get" (func $counter_get (param i32 i32) (result i64)))
            (import "pulsar" "record_metric" (func $record_metric (param i32 i32 f64)))
            (import "pulsar" "try_counter_incr" (func $try_counter_incr (param i32 i32 i64)))
            (import "pulsar" "try_state_get" (func $try_state_get (param i32 i32) (result i64)))
            (import "pulsar" "try_state_put" (func $try_state_put (param i32 i32 i32 i32)))
            (import "pulsar" "try_publish" (func $try_publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
            (import "pulsar" "last_error" (func $last_error (result i64)))
            (import "pulsar" "get_redelivery_count" (func $get_redelivery_count (result i32)))
            (memory (export "memory") 2)
            (func (export "alloc") (param i32) (result i32) (i32.const 65536))
            """;

    private Wat() {}

    /** Compiles a module's text; every wasm feature is enabled, so the host, not the tool, is what refuses. */
    static byte[] compile(String text) {
        return compile(text, false);
    }

    /** {@link #compile(String)}, with a name section holding the text's {@code $names} of functions. */
    static byte[] compileWithNames(String text) {
        return compile(text, true);
    }

    private static byte[] compile(String text, boolean names) {
        try {
            Path dir = Files.createTempDirectory("hostile");
            Path source = dir.resolve("m.wat");
            Path binary = dir.resolve("m.wasm");
            Files.writeString(source, text);
            List<String> command = new java.util.ArrayList<>(
                    List.of("wat2wasm", "--enable-all", source.toString(), "-o", binary.toString()));
            if (names) {
                command.add("--debug-names");
            }
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output =
                    new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("wat2wasm failed: " + output + "\n" + text);
            }
            byte[] bytes = Files.readAllBytes(binary);
            Files.delete(source);
            Files.delete(binary);
            Files.delete(dir);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run wat2wasm (Debian package wabt)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A module with the host imports and a Long entry point whose body is given. */
    static byte[] longGuest(String process, String more) {
        return compile("(module\n" + HOST + more
                + "\n(func (export \"process\") (param $in i64) (result i64) (local $i i32)\n" + process + "))");
    }

    /** A module with the host imports and a bytes entry point whose body is given. */
    static byte[] bytesGuest(String process, String more) {
        return compile("(module\n" + HOST + more
                + "\n(func (export \"process\") (param $ptr i32) (param $len i32) (result i32) (local $i i32)\n"
                + process + "))");
    }
}
