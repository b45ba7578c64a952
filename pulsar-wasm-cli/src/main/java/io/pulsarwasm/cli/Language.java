package io.pulsarwasm.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A language a function project can be written in: its template and the tools its steps need. */
enum Language {
    RUST("rust", "Rust", List.of("rs"), List.of(Tool.CARGO), List.of(Tool.CARGO)),
    C("c", "C", List.of(), List.of(Tool.CLANG), List.of(Tool.CLANG, Tool.NODE)),
    ASSEMBLYSCRIPT(
            "assemblyscript",
            "AssemblyScript",
            List.of("as"),
            List.of(Tool.NODE, Tool.NPM),
            List.of(Tool.NODE, Tool.NPM)),
    JAVASCRIPT("javascript", "JavaScript", List.of("js"), List.of(), List.of(Tool.NODE)),
    GO("go", "Go", List.of("golang"), List.of(Tool.GO), List.of(Tool.GO));

    private final String id;
    private final String displayName;
    private final List<String> aliases;
    private final List<Tool> buildTools;
    private final List<Tool> testTools;

    Language(String id, String displayName, List<String> aliases, List<Tool> buildTools, List<Tool> testTools) {
        this.id = id;
        this.displayName = displayName;
        this.aliases = aliases;
        this.buildTools = buildTools;
        this.testTools = testTools;
    }

    /** @return the name {@code new} and {@code pulsar-wasm.json} use, e.g. {@code assemblyscript} */
    String id() {
        return id;
    }

    /** @return the language's name in messages */
    String displayName() {
        return displayName;
    }

    /** @return what the build step runs */
    List<Tool> buildTools() {
        return buildTools;
    }

    /** @return what the native tests run */
    List<Tool> testTools() {
        return testTools;
    }

    /**
     * @param name a language's name or alias, any case
     * @return the language
     * @throws CliException naming the languages there are
     */
    static Language of(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Language language : values()) {
            if (language.id.equals(lower) || language.aliases.contains(lower)) {
                return language;
            }
        }
        throw CliException.usage("unknown language '" + name + "': choose one of " + names());
    }

    /** @return the languages' names, for messages and help */
    static String names() {
        return Arrays.stream(values()).map(Language::id).collect(Collectors.joining(", "));
    }
}
