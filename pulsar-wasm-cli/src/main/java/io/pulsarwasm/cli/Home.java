package io.pulsarwasm.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the command is installed: the layout the build writes ({@code pulsar-wasm-cli/target/pulsar-wasm}),
 * with {@code bin/}, {@code lib/}, the guest SDKs in {@code sdk/} and the generic NAR in {@code nar/}.
 * The launcher names it in the system property {@value #PROPERTY}; otherwise it is the folder above
 * the command's jar.
 */
final class Home {

    static final String PROPERTY = "pulsar.wasm.home";

    private final Path dir;

    private Home(Path dir) {
        this.dir = dir;
    }

    /** @return the installation this command runs from */
    static Home current() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return new Home(Path.of(property).toAbsolutePath().normalize());
        }
        try {
            Path jar = Path.of(Home.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return new Home(jar.getParent().getParent().toAbsolutePath().normalize());
        } catch (URISyntaxException | RuntimeException e) {
            throw CliException.usage("cannot tell where pulsar-wasm is installed: set -D" + PROPERTY
                    + " to the folder holding sdk/ and nar/ (bin/pulsar-wasm does)");
        }
    }

    /** @return the installation in this folder */
    static Home of(Path dir) {
        return new Home(dir.toAbsolutePath().normalize());
    }

    /** @return the guest SDKs: {@code rust/}, {@code c/}, {@code assemblyscript/}, {@code go/}, {@code javascript/} */
    Path sdk() {
        return require(dir.resolve("sdk"), "the guest SDKs");
    }

    /** @return the generic NAR, which {@code package} bundles a module with */
    Path genericNar() {
        return require(dir.resolve("nar").resolve("pulsar-wasm-function-nar.nar"), "the generic NAR");
    }

    private Path require(Path path, String what) {
        if (!Files.exists(path)) {
            throw CliException.usage(what + " should be at " + path + ", which does not exist: run pulsar-wasm from "
                    + "the layout the build writes (./mvnw -pl pulsar-wasm-cli -am package -DskipTests, then "
                    + "pulsar-wasm-cli/target/pulsar-wasm/bin/pulsar-wasm)");
        }
        return path;
    }
}
