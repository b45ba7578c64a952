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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Over 300 lines because every WASI bound (paths, descriptors, directory copies, stdout and
 * stderr as log lines) is checked here, next to the link it guards.
 */
final class WasiLink implements AutoCloseable {

    // WASI preview 1 errno values (Endive's enum of them is package-private)
    private static final long SUCCESS = 0;
    private static final long EMFILE = 33;
    private static final long ENAMETOOLONG = 37;
    private static final long ENOSPC = 51;
    /** path_open's oflags: create the file if it does not exist. */
    private static final long O_CREAT = 1;
    /** The argument positions of the path lengths of WASI's path_* functions. */
    private static final Map<String, int[]> PATH_LENGTHS = Map.of(
            "path_open",
            new int[] {3},
            "path_create_directory",
            new int[] {2},
            "path_remove_directory",
            new int[] {2},
            "path_unlink_file",
            new int[] {2},
            "path_filestat_get",
            new int[] {3},
            "path_filestat_set_times",
            new int[] {3},
            "path_readlink",
            new int[] {2},
            "path_rename",
            new int[] {2, 5},
            "path_symlink",
            new int[] {1, 4},
            "path_link",
            new int[] {3, 6});

    private final WasiPreview1 wasi;
    private final LineLog stderr;
    private final FileSystem copies;
    private final List<Path> roots;
    private final int maxOpenFiles;
    private final int maxFiles;
    private final int maxPathBytes;
    private final Set<Integer> opened = new HashSet<>();
    /** Files and directories in the private copies: counted exactly now and then, estimated between. */
    private long files;

    private WasiLink(WasiPreview1 wasi, FileSystem copies, List<Path> roots, Limits limits, LineLog stderr) {
        this.stderr = stderr;
        this.wasi = wasi;
        this.copies = copies;
        this.roots = roots;
        this.maxOpenFiles = limits.intValue(Limit.WASI_MAX_OPEN_FILES);
        this.maxFiles = limits.intValue(Limit.WASI_MAX_FILES);
        this.maxPathBytes = limits.intValue(Limit.MAX_KEY_BYTES);
    }

    /**
     * Links WASI for one instance.
     *
     * @throws WasmLoadException naming {@value WasiConfig#DIRS} when a directory is missing, holds a
     *     symbolic link or a special file, or does not fit {@link Limit#WASI_MAX_FS_BYTES} as a copy
     */
    static WasiLink create(WasiConfig config, Limits limits, HostCalls host) {
        FileSystem copies = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setMaxSize(limits.get(Limit.WASI_MAX_FS_BYTES))
                .build());
        LineLog stderr = new LineLog(host, LogLevel.WARN);
        try {
            WasiOptions.Builder options = WasiOptions.builder()
                    .withStdin(InputStream.nullInputStream())
                    .withStdout(new LineLog(host, LogLevel.INFO))
                    .withStderr(stderr)
                    .withArguments(config.arguments());
            config.environment().forEach(options::withEnvironment);
            List<Path> roots = new ArrayList<>();
            for (var entry : config.directories().entrySet()) {
                Path directory =
                        checkedDirectory(entry.getKey(), entry.getValue().hostPath());
                if (entry.getValue().writable()) {
                    options.withDirectory(entry.getKey(), directory);
                } else {
                    Path root = copies.getPath("/copy" + roots.size());
                    roots.add(privateCopy(entry.getKey(), entry.getValue().hostPath(), directory, root, limits));
                    options.withDirectory(entry.getKey(), root);
                }
            }
            WasiPreview1 wasi =
                    WasiPreview1.builder().withOptions(options.build()).build();
            WasiLink link = new WasiLink(wasi, copies, roots, limits, stderr);
            link.countFiles();
            return link;
        } catch (RuntimeException e) {
            closeQuietly(copies);
            throw e;
        }
    }

    /**
     * WASI's host functions, bounded: paths by {@link Limit#MAX_KEY_BYTES} ({@code ENAMETOOLONG}),
     * files and directories in the private copies by {@link Limit#WASI_MAX_FILES} ({@code ENOSPC}),
     * and open files by {@link Limit#WASI_MAX_OPEN_FILES} ({@code EMFILE}: the descriptors
     * {@code path_open} hands out are tracked through {@code fd_close} and {@code fd_renumber}).
     */
    HostFunction[] functions() {
        return Arrays.stream(wasi.toHostFunctions())
                .map(function -> {
                    int[] lengths = PATH_LENGTHS.get(function.name());
                    return switch (function.name()) {
                        case "path_open" ->
                            counting(function, (instance, args) -> {
                                boolean creates = (args[4] & O_CREAT) != 0;
                                long refused = refused(lengths, args, creates);
                                if (refused == SUCCESS && opened.size() >= maxOpenFiles) {
                                    refused = EMFILE;
                                }
                                if (refused != SUCCESS) {
                                    return new long[] {refused};
                                }
                                long[] result = function.handle().apply(instance, args);
                                if (result[0] == SUCCESS) {
                                    opened.add(instance.memory().readInt((int) args[8]));
                                    files += creates ? 1 : 0;
                                }
                                return result;
                            });
                        case "path_create_directory", "path_symlink", "path_link" ->
                            counting(function, (instance, args) -> {
                                long refused = refused(lengths, args, true);
                                if (refused != SUCCESS) {
                                    return new long[] {refused};
                                }
                                long[] result = function.handle().apply(instance, args);
                                files += result[0] == SUCCESS ? 1 : 0;
                                return result;
                            });
                        case "fd_close" ->
                            counting(function, (instance, args) -> {
                                long[] result = function.handle().apply(instance, args);
                                if (result[0] == SUCCESS) {
                                    opened.remove((int) args[0]);
                                }
                                return result;
                            });
                        case "fd_renumber" ->
                            counting(function, (instance, args) -> {
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
                        default ->
                            lengths == null
                                    ? function
                                    : counting(function, (instance, args) -> {
                                        long refused = refused(lengths, args, false);
                                        return refused != SUCCESS
                                                ? new long[] {refused}
                                                : function.handle().apply(instance, args);
                                    });
                    };
                })
                .toArray(HostFunction[]::new);
    }

    /** Why a path call is refused before it runs, or {@link #SUCCESS} if it may run. */
    private long refused(int[] lengths, long[] args, boolean creates) {
        for (int length : lengths) {
            if (Integer.toUnsignedLong((int) args[length]) > maxPathBytes) {
                return ENAMETOOLONG;
            }
        }
        if (creates && files >= maxFiles && countFiles() >= maxFiles) {
            return ENOSPC;
        }
        return SUCCESS;
    }

    /** Counts the entries of the private copies (their roots included) exactly; :rw directories are the host's. */
    private long countFiles() {
        long count = 0;
        for (Path root : roots) {
            try (Stream<Path> entries = Files.walk(root)) {
                count += entries.count();
            } catch (IOException | UncheckedIOException e) {
                count = maxFiles; // cannot tell: assume full
            }
        }
        files = count;
        return files;
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
                    BasicFileAttributes attributes =
                            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
            throw new WasmLoadException(
                    dirs(guestPath, configured) + " cannot be copied for the guest (" + e
                            + "); its private copy may hold at most " + limits.limitOf(Limit.WASI_MAX_FS_BYTES),
                    e);
        }
        return root;
    }

    /**
     * @return the latest line on stderr in which the guest's runtime said why it is crashing (Go's
     *     {@code panic: ...} or {@code fatal error: ...}), cut to 200 characters; empty for none
     */
    String crashLine() {
        synchronized (stderr) {
            return stderr.crash;
        }
    }

    private static String dirs(String guestPath, Path hostPath) {
        return "user config " + WasiConfig.DIRS + ": host directory '" + hostPath + "' (guest path '" + guestPath
                + "')";
    }

    /**
     * Hands each line written to it to the host's log, holding at most one line's limit of bytes:
     * the rest of a longer line is counted, not kept.
     */
    private static final class LineLog extends OutputStream {

        private static final int KEPT_CHARS = 200;
        /** The latest line that says why a runtime is crashing (Go's {@code panic: }, {@code fatal error: }), cut short. */
        private String crash = "";

        private final HostCalls host;
        private final LogLevel level;
        private final byte[] line;
        private int kept;
        private long length;

        LineLog(HostCalls host, LogLevel level) {
            this.host = host;
            this.level = level;
            this.line = new byte[host.bounds().maxLogLineBytes()];
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
        public synchronized void flush() {
            if (length == 0) {
                return;
            }
            // a cut may split a character: lenient decoding shows it as U+FFFD, before the note that the line was cut
            String text = new String(line, 0, kept, StandardCharsets.UTF_8);
            host.logLine(level, new ValueLimits.Line(text, length));
            if (text.startsWith("panic: ") || text.startsWith("fatal error: ")) {
                crash = text.length() > KEPT_CHARS ? text.substring(0, KEPT_CHARS) : text;
            }
            kept = 0;
            length = 0;
        }
    }
}
