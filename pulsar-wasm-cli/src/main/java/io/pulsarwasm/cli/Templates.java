package io.pulsarwasm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The project templates {@code new} writes, one folder of resources per language
 * ({@code templates/<language>/}, its files listed in {@code files}), with {@code {{name}}} (the
 * function's name), {@code {{ident}}} (the name as an identifier: {@code -} becomes {@code _}) and
 * {@code {{sdk}}} (the installation's guest SDKs) filled in; a resource {@code dot-x} is written as {@code .x}.
 */
final class Templates {

    /** A function name Pulsar takes and every language's build can use as a file and package name. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private Templates() {}

    /**
     * Writes a new project.
     *
     * @param language the language
     * @param name the function's name
     * @param dir the project's folder: absent, or empty
     * @param sdk the guest SDKs the project builds with
     * @return the files written, relative to {@code dir}
     */
    static List<Path> write(Language language, String name, Path dir, Path sdk) {
        if (!NAME.matcher(name).matches()) {
            throw CliException.usage("a function name is lower-case letters, digits and '-', starting with a letter, "
                    + "at most 63 characters: '" + name + "' is not one");
        }
        try {
            if (Files.exists(dir)) {
                try (var entries = Files.list(dir)) {
                    if (!Files.isDirectory(dir) || entries.findAny().isPresent()) {
                        throw CliException.usage(dir + " already exists and is not an empty folder: give "
                                + "another name, or --dir a new folder");
                    }
                }
            }
            Map<String, String> values = Map.of(
                    "{{name}}", name,
                    "{{ident}}", name.replace('-', '_'),
                    "{{sdk}}", sdk.toAbsolutePath().normalize().toString());
            String base = "templates/" + language.id().toLowerCase(Locale.ROOT) + "/";
            List<Path> written = new ArrayList<>();
            for (String file :
                    resource(base + "files").lines().filter(l -> !l.isBlank()).toList()) {
                // resources are named dot-x for .x: Maven leaves dot files such as .gitignore out of a jar
                Path target = dir.resolve(fill(file.replaceAll("(^|/)dot-", "$1."), values));
                Files.createDirectories(target.getParent());
                Files.writeString(target, fill(resource(base + file), values));
                written.add(dir.relativize(target));
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String fill(String text, Map<String, String> values) {
        String filled = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace(value.getKey(), value.getValue());
        }
        return filled;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Templates.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the command's jar lacks its template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
