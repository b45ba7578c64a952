package io.pulsarwasm.engine;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.pulsarwasm.host.LogLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import run.endive.runtime.HostFunction;
import run.endive.runtime.WasmFunctionHandle;
import run.endive.wasi.WasiOptions;
import run.endive.wasi.WasiPreview1;

/**
 * WASI preview 1 for one guest instance, as {@link WasiConfig} allows it: stdout and stderr become
 * log lines (info and warn), stdin is empty, environment and arguments are the configured ones,
 * and only configured directories are visible — read-only ones as a private in-memory copy, so
 * nothing the guest writes there reaches the host. Directories holding symbolic links or special
 * files are refused, so no path leads outside them.
 */
final class WasiLink implements AutoCloseable {

    // WASI preview 1 errno values (Endive's enum of them is package-private)
    private static final long SUCCESS = 0;
    private static final long EMFILE = 33;

    private final WasiPreview1 wasi;
    private final FileSystem copies;
    private final int maxOpenFiles;
    private final Set<Integer> opened = new HashSet<>();

    private WasiLink(WasiPreview1 wasi, FileSystem copies, int maxOpenFiles) {
        this.wasi = wasi;
        this.copies = copies;
        this.maxOpenFiles = maxOpenFiles;
    }

    /**
     * Links WASI for one instance.
     *
     * @throws WasmLoadException naming {@value WasiConfig#DIRS} when a directory is missing, holds a
     *     symbolic link or a special file, or does not fit {@link Limit#WASI_MAX_FS_BYTES} as a copy
     */
    static WasiLink create(WasiConfig config, Limits limits, HostFunctions host) {
        FileSystem copies = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setMaxSize(limits.get(Limit.WASI_MAX_FS_BYTES)).build());
        try {
            WasiOptions.Builder options = WasiOptions.builder()
                    .withStdin(InputStream.nullInputStream())
                    .withStdout(new LineLog(host, LogLevel.INFO))
                    .withStderr(new LineLog(host, LogLevel.WARN))
                    .withArguments(config.arguments());
            config.environment().forEach(options::withEnvironment);
            int copy = 0;
            for (var entry : config.directories().entrySet()) {
                Path directory = checkedDirectory(entry.getKey(), entry.getValue().hostPath());
                options.withDirectory(entry.getKey(), entry.getValue().writable()
                        ? directory
                        : privateCopy(entry.getKey(), entry.getValue().hostPath(), directory,
                                copies.getPath("/copy" + copy++), limits));
            }
            WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build();
            return new WasiLink(wasi, copies, limits.intValue(Limit.WASI_MAX_OPEN_FILES));
        } catch (RuntimeException e) {
            closeQuietly(copies);
            throw e;
        }
    }

    /**
     * WASI's host functions, with open files bounded by {@link Limit#WASI_MAX_OPEN_FILES}: the
     * descriptors {@code path_open} hands out are tracked through {@code fd_close} and
     * {@code fd_renumber}, and an open past the limit fails with {@code EMFILE}.
     */
    HostFunction[] functions() {
        return Arrays.stream(wasi.toHostFunctions()).map(function -> switch (function.name()) {
            case "path_open" -> counting(function, (instance, args) -> {
                if (opened.size() >= maxOpenFiles) {
                    return new long[] {EMFILE};
                }
                long[] result = function.handle().apply(instance, args);
                if (result[0] == SUCCESS) {
                    opened.add(instance.memory().readInt((int) args[8]));
                }
                return result;
            });
            case "fd_close" -> counting(function, (instance, args) -> {
                long[] result = function.handle().apply(instance, args);
                if (result[0] == SUCCESS) {
                    opened.remove((int) args[0]);
                }
                return result;
            });
            case "fd_renumber" -> counting(function, (instance, args) -> {
                long[] result = function.handle().apply(instance, args);
                int from = (int) args[0];
                int to = (int) args[1];
                if (result[0] == SUCCESS && from != to) {
                    opened.remove(to);
                    if (opened.remove(from)) {
                        opened.add(to);
                    }
                }
                return result;
            });
            default -> function;
        }).toArray(HostFunction[]::new);
    }

    private static HostFunction counting(HostFunction function, WasmFunctionHandle handle) {
        return new HostFunction(function.module(), function.name(), function.functionType(), handle);
    }

    @Override
    public void close() {
        try {
            wasi.close();
        } finally {
            closeQuietly(copies);
        }
    }

    private static void closeQuietly(FileSystem fileSystem) {
        try {
            fileSystem.close();
        } catch (IOException e) {
            // an in-memory file system; nothing to recover
        }
    }

    private static Path checkedDirectory(String guestPath, Path hostPath) {
        try {
            Path real = hostPath.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new WasmLoadException(dirs(guestPath, hostPath) + " is not a directory");
            }
            try (Stream<Path> files = Files.walk(real)) {
                for (Path file : files.toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isSymbolicLink() || attributes.isOther()) {
                        throw new WasmLoadException(dirs(guestPath, hostPath) + " holds "
                                + (attributes.isSymbolicLink() ? "a symbolic link" : "a special file") + ", '" + file
                                + "'; a WASI directory may hold only regular files and directories, so that the guest"
                                + " sees nothing outside it");
                    }
                }
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new WasmLoadException(dirs(guestPath, hostPath) + " does not exist", e);
        } catch (IOException | UncheckedIOException e) {
            throw new WasmLoadException(dirs(guestPath, hostPath) + " cannot be read: " + e, e);
        }
    }

    private static Path privateCopy(String guestPath, Path configured, Path hostDirectory, Path root, Limits limits) {
        try (Stream<Path> files = Files.walk(hostDirectory)) {
            for (Path file : files.toList()) {
                Path target = root.resolve(hostDirectory.relativize(file).toString());
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            throw new WasmLoadException(dirs(guestPath, configured) + " cannot be copied for the guest ("
                    + e + "); its private copy may hold at most " + limits.limitOf(Limit.WASI_MAX_FS_BYTES), e);
        }
        return root;
    }

    private static String dirs(String guestPath, Path hostPath) {
        return "user config " + WasiConfig.DIRS + ": host directory '" + hostPath + "' (guest path '" + guestPath + "')";
    }

    /**
     * Hands each line written to it to the host's log, holding at most one line's limit of bytes:
     * the rest of a longer line is counted, not kept.
     */
    private static final class LineLog extends OutputStream {

        private final HostFunctions host;
        private final LogLevel level;
        private final byte[] line;
        private int kept;
        private long length;

        LineLog(HostFunctions host, LogLevel level) {
            this.host = host;
            this.level = level;
            this.line = new byte[host.maxLogLineBytes()];
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                flush();
                return;
            }
            if (kept < line.length) {
                line[kept++] = (byte) b;
            }
            length++;
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public void flush() {
            if (length == 0) {
                return;
            }
            // a cut may split a character: lenient decoding shows it as U+FFFD, before the note that the line was cut
            host.logLine(level, new String(line, 0, kept, StandardCharsets.UTF_8), length);
            kept = 0;
            length = 0;
        }
    }
}
