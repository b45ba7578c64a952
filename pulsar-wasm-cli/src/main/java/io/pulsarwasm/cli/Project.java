package io.pulsarwasm.cli;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.pulsarwasm.tools.NarPackager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A function project: a folder with a {@value #FILE} that says what the function is and how it is
 * built, tested and deployed. {@code new} writes one; every other step reads it.
 *
 * <pre>{@code
 * {
 *   "name": "shout",
 *   "language": "rust",
 *   "type": "string",
 *   "module": "target/wasm32-unknown-unknown/release/shout.wasm",
 *   "build": "/usr/bin/cargo build --offline --release --target wasm32-unknown-unknown",
 *   "test": "/usr/bin/cargo test --offline",
 *   "tests": "tests.json",
 *   "env": {"RUSTC": "/usr/bin/rustc"},
 *   "userConfig": {"suffix": "!"},
 *   "inputs": ["persistent://public/default/shout-in"],
 *   "output": "persistent://public/default/shout-out"
 * }
 * }</pre>
 */
final class Project {

    /** The project file's name. */
    static final String FILE = "pulsar-wasm.json";

    private final Path dir;
    private final Descriptor descriptor;
    private final Language language;
    private final NarPackager.Type type;

    /** The file's fields, as Gson fills them. */
    static final class Descriptor {
        String name;
        String language;
        String type;
        String module;
        String build;
        String test;
        String tests;
        Map<String, String> env;
        Map<String, Object> userConfig;
        List<String> inputs;
        String output;
    }

    private Project(Path dir, Descriptor descriptor) {
        this.dir = dir;
        this.descriptor = descriptor;
        Path file = dir.resolve(FILE);
        if (descriptor.name == null || descriptor.name.isBlank()) {
            throw CliException.usage(file + ": \"name\" is missing: the function's name, e.g. \"shout\"");
        }
        if (descriptor.language == null) {
            throw CliException.usage(file + ": \"language\" is missing: one of " + Language.names());
        }
        if (descriptor.module == null || descriptor.module.isBlank()) {
            throw CliException.usage(
                    file + ": \"module\" is missing: the .wasm (or .js) the build writes, relative to the project");
        }
        try {
            this.language = Language.of(descriptor.language);
        } catch (CliException e) {
            throw CliException.usage(file + ": \"language\": " + e.getMessage());
        }
        this.type = descriptor.type == null ? null : parseType(descriptor.type, file + ": \"type\"");
    }

    /**
     * Reads the project in a folder if it has one: for the commands that also run without a project.
     *
     * @param dir the folder
     * @return its project, or {@code null} when it has no project file
     * @throws CliException if the project file is malformed
     */
    static Project find(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE)) ? load(dir) : null;
    }

    /**
     * Reads the project in a folder.
     *
     * @param dir the project's folder
     * @return the project
     * @throws CliException if the folder has no project file, or a malformed one
     */
    static Project load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw CliException.usage(dir.toAbsolutePath().normalize() + " is not a pulsar-wasm project: it has no "
                    + FILE + " (pulsar-wasm new <language> <name> makes one; or give the module with --module)");
        }
        Descriptor descriptor;
        try {
            descriptor = new Gson().fromJson(Files.readString(file), Descriptor.class);
        } catch (JsonParseException e) {
            throw CliException.usage(file + ": not valid JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (descriptor == null) {
            throw CliException.usage(file + " is empty");
        }
        return new Project(dir.toAbsolutePath().normalize(), descriptor);
    }

    /**
     * @param type {@code long}, {@code bytes}, {@code string}, {@code record} or {@code window}
     * @param where what to name in the error
     * @return the function class's type
     */
    static NarPackager.Type parseType(String type, String where) {
        try {
            return NarPackager.Type.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    where + ": unknown type '" + type + "': choose long, bytes, string, record or window");
        }
    }

    Path dir() {
        return dir;
    }

    String name() {
        return descriptor.name;
    }

    Language language() {
        return language;
    }

    /** @return the function class's type, or null to choose by the module's entry point */
    NarPackager.Type type() {
        return type;
    }

    /** @return the module the build writes */
    Path module() {
        return dir.resolve(descriptor.module).normalize();
    }

    /** @return the build's shell command, or null when there is nothing to build (JavaScript) */
    String build() {
        return descriptor.build;
    }

    /** @return the native tests' shell command, or null for none */
    String test() {
        return descriptor.test;
    }

    /** @return the test file of inputs and expected outputs, or null for none */
    Path tests() {
        return descriptor.tests == null ? null : dir.resolve(descriptor.tests).normalize();
    }

    /** @return variables the build and the native tests run with */
    Map<String, String> env() {
        return descriptor.env == null ? Map.of() : descriptor.env;
    }

    /** @return the user config the function is deployed and tested with */
    Map<String, Object> userConfig() {
        return descriptor.userConfig == null ? Map.of() : new LinkedHashMap<>(descriptor.userConfig);
    }

    /** @return the input topics to deploy with when the command line gives none */
    List<String> inputs() {
        return descriptor.inputs == null ? List.of() : descriptor.inputs;
    }

    /** @return the output topic to deploy with when the command line gives none, or null */
    String output() {
        return descriptor.output;
    }

    /** @return where {@code package} writes the function's NAR */
    Path nar() {
        return dir.resolve(descriptor.name + ".nar");
    }
}
