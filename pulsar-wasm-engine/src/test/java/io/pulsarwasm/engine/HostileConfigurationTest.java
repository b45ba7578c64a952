package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile configuration: every user config a user could get wrong, refused naming the key. Each case asserts the exact outcome. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileConfigurationTest {

    private String configError(Map<String, Object> userConfig) {
        return assertThrows(IllegalArgumentException.class, () -> WasmConfig.parse(userConfig))
                .getMessage();
    }

    private String moduleError(String location, Limits limits) {
        return assertThrows(
                        WasmLoadException.class,
                        () -> WasmLoader.fromLocation(
                                        location, getClass().getClassLoader(), new Sandbox(limits, WasiConfig.OFF))
                                .close())
                .getMessage();
    }

    @Test
    void anUnknownKeyNamesTheNearestOne() {
        assertTrue(
                configError(Map.of("wasm.max-memory-page", 1.0))
                        .startsWith(
                                "unknown user config key 'wasm.max-memory-page'; did you mean 'wasm.max-memory-pages'? (the wasm.* keys are "));
    }

    @Test
    void aHugeTimeoutNamesTheRange() {
        assertEquals(
                "user config wasm.timeout-ms must be a whole number from 1 to 3600000, got '10000000000000'",
                configError(Map.of("wasm.timeout-ms", 1e13)));
    }

    @Test
    void zeroMemoryNamesTheRange() {
        assertEquals(
                "user config wasm.max-memory-pages must be a whole number from 1 to 32767, got '0'",
                configError(Map.of("wasm.max-memory-pages", 0.0)));
    }

    @Test
    void aWordForANumberNamesTheRange() {
        assertEquals(
                "user config wasm.max-log-line-bytes must be a whole number from 16 to 16777216, got 'lots'",
                configError(Map.of("wasm.max-log-line-bytes", "lots")));
    }

    @Test
    void aFractionNamesTheRange() {
        assertEquals(
                "user config wasm.max-writes-per-call must be a whole number from 0 to 1000000, got '2.5'",
                configError(Map.of("wasm.max-writes-per-call", 2.5)));
    }

    @Test
    void aWasiLimitWithoutWasiIsAMistake() {
        assertEquals(
                "user config wasm.wasi.max-open-files is set but WASI is off; set wasm.wasi.enabled to true",
                configError(Map.of("wasm.wasi.max-open-files", 8.0)));
    }

    @Test
    void everyLimitIsAKeyWithItsDefault() {
        Map<String, Object> config = new HashMap<>();
        for (Limit limit : Limit.values()) {
            config.put(limit.key(), (double) limit.defaultValue());
        }
        config.put(WasiConfig.ENABLED, true);
        assertEquals(Limits.DEFAULTS, WasmConfig.parse(config).sandbox().limits());
    }

    @Test
    void aDeviceAsModuleIsRefused() {
        assertEquals("wasm module file '/dev/zero' is not a regular file", moduleError("/dev/zero", Limits.DEFAULTS));
    }

    @Test
    void aDirectoryAsModuleIsRefused(@TempDir Path dir) {
        assertEquals(
                "wasm module file '" + dir + "' is not a regular file", moduleError(dir.toString(), Limits.DEFAULTS));
    }

    @Test
    void aMissingModuleFileIsNamed(@TempDir Path dir) throws Exception {
        assertEquals(
                "wasm module file '" + dir.resolve("none.wasm") + "' does not exist on host "
                        + InetAddress.getLocalHost().getHostName(),
                moduleError(dir.resolve("none.wasm").toUri().toString(), Limits.DEFAULTS));
    }

    @Test
    void aModuleFileOverTheSizeLimitIsReadNoFurther(@TempDir Path dir) throws IOException {
        Path big = Files.write(dir.resolve("big.wasm"), new byte[200_000]);
        assertEquals(
                "wasm module file '" + big + "' is more than the limit of 100000 bytes (user config "
                        + "wasm.max-module-bytes)",
                moduleError(big.toString(), Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 100_000)));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (ServerSocket server = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(server.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/m.wasm";
            assertEquals(
                    "wasm module '" + url + "' could not be read within the limit of 300 ms (user config "
                            + "wasm.module-timeout-ms): Read timed out",
                    moduleError(url, Limits.DEFAULTS.with(Limit.MODULE_TIMEOUT_MS, 300)));
        }
    }

    @Test
    void aServerThatDripsTimesOut() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    body.write(0);
                    body.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/m.wasm";
            assertEquals(
                    "wasm module '" + url + "' could not be read within the limit of 300 ms (user config "
                            + "wasm.module-timeout-ms): read did not finish in time",
                    moduleError(url, Limits.DEFAULTS.with(Limit.MODULE_TIMEOUT_MS, 300)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerSendingTooMuchIsCutOff() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                byte[] chunk = new byte[1 << 16];
                for (int i = 0; i < 64; i++) {
                    body.write(chunk);
                }
            } catch (IOException e) {
                // the client went away
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/m.wasm";
            assertEquals(
                    "wasm module '" + url + "' is more than the limit of 1048576 bytes (user config "
                            + "wasm.max-module-bytes)",
                    moduleError(url, Limits.DEFAULTS.with(Limit.MAX_MODULE_BYTES, 1 << 20)));
        } finally {
            server.stop(0);
        }
    }
}
