package io.pulsarwasm.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where a module's bytes come from, and the name errors use for it. Resources are read with
 * {@link ClassLoader#getResourceAsStream}, so modules bundled in a jar or a NAR load as well as
 * files do.
 */
final class ModuleSource {

    static final String CLASSPATH_PREFIX = "classpath:";

    private ModuleSource() {}

    /**
     * Resolves a location as documented for the {@code wasm.module} key: {@code classpath:name},
     * {@code file:///abs/path}, any other URL, or a plain absolute path. Reads at most
     * {@link Limit#MAX_MODULE_BYTES}; a URL within {@link Limit#MODULE_TIMEOUT_MS}.
     */
    static byte[] read(String location, ClassLoader classLoader, Limits limits) {
        if (location.startsWith(CLASSPATH_PREFIX)) {
            return readResource(classLoader, location.substring(CLASSPATH_PREFIX.length()), limits);
        }
        if (location.startsWith("file:")) {
            return readFile(Path.of(URI.create(location)), limits);
        }
        if (location.startsWith("/")) {
            return readFile(Path.of(location), limits);
        }
        try {
            return readUrl(new URL(location), limits);
        } catch (MalformedURLException e) {
            throw new WasmLoadException("unsupported wasm module location '" + location
                    + "': use classpath:<resource>, file:///<absolute path>, an absolute path or a URL");
        }
    }

    static byte[] readResource(ClassLoader classLoader, String resource, Limits limits) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = classLoader.getResourceAsStream(name)) {
            if (in == null) {
                throw new WasmLoadException("wasm module resource '" + name + "' not found on the classpath");
            }
            return readCapped(in, "resource '" + name + "'", limits, Long.MAX_VALUE);
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module resource '" + name + "': " + e.getMessage(), e);
        }
    }

    static byte[] readFile(Path path, Limits limits) {
        try {
            if (!Files.isRegularFile(path)) {
                throw new WasmLoadException("wasm module file '" + path + "' "
                        + (Files.exists(path) ? "is not a regular file" : "does not exist" + onThisHost()));
            }
            try (InputStream in = Files.newInputStream(path)) {
                return readCapped(in, "file '" + path + "'", limits, Long.MAX_VALUE);
            }
        } catch (NoSuchFileException e) {
            throw new WasmLoadException("wasm module file '" + path + "' does not exist" + onThisHost(), e);
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module file '" + path + "': " + e, e);
        }
    }

    /**
     * Names the machine a missing file was looked for on: in a cluster, a {@code file:} module must
     * be on every worker that may run the function, and the error has to say which one lacked it.
     *
     * @return {@code " on host <name>"}, or nothing when the name cannot be found
     */
    static String onThisHost() {
        try {
            return " on host " + InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }

    static byte[] readUrl(URL url, Limits limits) {
        int timeout = limits.intValue(Limit.MODULE_TIMEOUT_MS);
        try {
            URLConnection connection = url.openConnection();
            connection.setConnectTimeout(timeout);
            connection.setReadTimeout(timeout);
            try (InputStream in = connection.getInputStream()) {
                return readCapped(
                        in, "'" + url + "'", limits, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout));
            }
        } catch (SocketTimeoutException e) {
            throw tooSlow(url, limits, e);
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module from '" + url + "': " + e, e);
        }
    }

    /** Reads to the end, failing past the size limit or, for a URL, past its deadline. */
    private static byte[] readCapped(InputStream in, String what, Limits limits, long deadlineNanos)
            throws IOException {
        long max = limits.get(Limit.MAX_MODULE_BYTES);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            if (bytes.size() + n > max) {
                throw new WasmLoadException(
                        "wasm module " + what + " is more than " + limits.limitOf(Limit.MAX_MODULE_BYTES));
            }
            bytes.write(buffer, 0, n);
            if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
                throw new SocketTimeoutException("read did not finish in time");
            }
        }
        return bytes.toByteArray();
    }

    private static WasmLoadException tooSlow(URL url, Limits limits, Exception cause) {
        return new WasmLoadException(
                "wasm module '" + url + "' could not be read within " + limits.limitOf(Limit.MODULE_TIMEOUT_MS) + ": "
                        + cause.getMessage(),
                cause);
    }

    /** The short name errors and loggers use: the last path segment of the location. */
    static String nameOf(String location) {
        int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf(':'));
        return location.substring(slash + 1);
    }
}
