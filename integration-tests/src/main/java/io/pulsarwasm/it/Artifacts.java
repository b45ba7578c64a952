package io.pulsarwasm.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build put what the suite and the demo need; Maven passes these as system properties. */
public final class Artifacts {

    private Artifacts() {}

    /** @return the unpacked Pulsar distribution */
    public static Path pulsarHome() {
        return existing("pulsarwasm.pulsarHome");
    }

    /** @return a scratch directory for the standalone's data and logs */
    public static Path workDir() {
        return Path.of(property("pulsarwasm.workDir"));
    }

    /** @return the generic NAR, {@code pulsar-wasm-function-<version>.nar} */
    public static Path genericNar() {
        return existing("pulsarwasm.genericNar");
    }

    /** @return the samples NAR, a PIP-331 style function bundling its module */
    public static Path samplesNar() {
        return existing("pulsarwasm.samplesNar");
    }

    /**
     * A sample module file.
     *
     * @param fileName e.g. {@code scaler.wasm}
     * @return its path in the source tree
     */
    public static Path sample(String fileName) {
        Path file = Path.of(property("pulsarwasm.samplesDir")).resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("sample module " + file + " does not exist");
        }
        return file;
    }

    /** @return the repository's root, where {@code scripts/} is */
    public static Path repoDir() {
        return existing("pulsarwasm.repoDir").normalize();
    }

    private static Path existing(String key) {
        Path path = Path.of(property(key));
        if (!Files.exists(path)) {
            throw new IllegalStateException(
                    key + "=" + path + " does not exist: run the build through Maven (see README)");
        }
        return path;
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("system property " + key + " is not set: run through Maven (see README)");
        }
        return value;
    }
}
