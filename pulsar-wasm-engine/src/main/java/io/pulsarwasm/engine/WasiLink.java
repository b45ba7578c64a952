package io.pulsarwasm.engine;

import run.endive.runtime.HostFunction;
import run.endive.wasi.WasiOptions;
import run.endive.wasi.WasiPreview1;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.pulsarwasm.host.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * WASI preview 1 for one guest instance, as {@link WasiConfig} allows it: stdout and stderr become
 * log lines (info and warn), stdin is empty, environment and arguments are the configured ones,
 * and only configured directories are visible — read-only ones as a private in-memory copy, so
 * nothing the guest writes there reaches the host.
 */
final class WasiLink implements AutoCloseable {

    private final WasiPreview1 wasi;
    private final List<AutoCloseable> resources;

    private WasiLink(WasiPreview1 wasi, List<AutoCloseable> resources) {
        this.wasi = wasi;
        this.resources = resources;
    }

    static WasiLink create(WasiConfig config, HostFunctions host) {
        List<AutoCloseable> resources = new ArrayList<>();
        WasiOptions.Builder options = WasiOptions.builder()
                .withStdin(InputStream.nullInputStream())
                .withStdout(new LineLog(line -> host.logLine(LogLevel.INFO, line)))
                .withStderr(new LineLog(line -> host.logLine(LogLevel.WARN, line)))
                .withArguments(config.arguments());
        config.environment().forEach(options::withEnvironment);
        config.directories().forEach((guestPath, directory) -> {
            Path visible = directory.writable() ? directory.hostPath() : privateCopy(directory.hostPath(), resources);
            options.withDirectory(guestPath, visible);
        });
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build();
        return new WasiLink(wasi, resources);
    }

    HostFunction[] functions() {
        return wasi.toHostFunctions();
    }

    @Override
    public void close() {
        wasi.close();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // an in-memory file system; nothing to recover
            }
        }
    }

    private static Path privateCopy(Path hostDirectory, List<AutoCloseable> resources) {
        FileSystem memory = Jimfs.newFileSystem(Configuration.unix());
        resources.add(memory);
        Path root = memory.getPath("/copy");
        try (Stream<Path> files = Files.walk(hostDirectory)) {
            for (Path file : files.toList()) {
                Path target = root.resolve(hostDirectory.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mount WASI directory " + hostDirectory + ": " + e.getMessage(), e);
        }
        return root;
    }

    /** An output stream that hands each complete UTF-8 line to a consumer. */
    private static final class LineLog extends OutputStream {

        private final java.util.function.Consumer<String> lines;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineLog(java.util.function.Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                flush();
            } else {
                pending.write(b);
            }
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                lines.accept(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }
    }
}
