package io.pulsarwasm.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
     * {@code file:///abs/path}, any other URL, or a plain absolute path.
     */
    static byte[] read(String location, ClassLoader classLoader) {
        if (location.startsWith(CLASSPATH_PREFIX)) {
            return readResource(classLoader, location.substring(CLASSPATH_PREFIX.length()));
        }
        if (location.startsWith("file:")) {
            return readFile(Path.of(URI.create(location)));
        }
        if (location.startsWith("/")) {
            return readFile(Path.of(location));
        }
        try {
            return readUrl(new URL(location));
        } catch (MalformedURLException e) {
            throw new WasmLoadException("unsupported wasm module location '" + location
                    + "': use classpath:<resource>, file:///<absolute path>, an absolute path or a URL");
        }
    }

    static byte[] readResource(ClassLoader classLoader, String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = classLoader.getResourceAsStream(name)) {
            if (in == null) {
                throw new WasmLoadException("wasm module resource '" + name + "' not found on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module resource '" + name + "': " + e.getMessage(), e);
        }
    }

    static byte[] readFile(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new WasmLoadException("wasm module file '" + path + "' does not exist", e);
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module file '" + path + "': " + e, e);
        }
    }

    static byte[] readUrl(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new WasmLoadException("cannot read wasm module from '" + url + "': " + e, e);
        }
    }

    /** The short name errors and loggers use: the last path segment of the location. */
    static String nameOf(String location) {
        int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf(':'));
        return location.substring(slash + 1);
    }
}
