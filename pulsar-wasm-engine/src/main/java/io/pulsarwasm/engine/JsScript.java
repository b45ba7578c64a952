package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A JavaScript function as a loader holds it: its name, its source with the line that hands its
 * {@code process} to the prelude, and how {@code process} receives its input.
 */
final class JsScript {

    /**
     * Appended to the user's module, on a line of its own so that line numbers stay the user's:
     * hands the module's {@code process} (if it declares one) to the prelude.
     */
    private static final String REGISTER =
            "\n;__pulsar_register(typeof process === 'function' ? process : undefined);\n";

    private final String name;
    private final byte[] source;
    private final JsInput input;

    private JsScript(String name, byte[] source, JsInput input) {
        this.name = name;
        this.source = source;
        this.input = input;
    }

    /** @return whether a module location names a JavaScript file ({@code .js} or {@code .mjs}) */
    static boolean isScript(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.endsWith(".js") || lower.endsWith(".mjs");
    }

    /**
     * @param name the file name errors show
     * @param source the module's text, UTF-8
     */
    static JsScript of(String name, byte[] source) {
        byte[] register = REGISTER.getBytes(StandardCharsets.UTF_8);
        byte[] full = new byte[source.length + register.length];
        System.arraycopy(source, 0, full, 0, source.length);
        System.arraycopy(register, 0, full, source.length, register.length);
        return new JsScript(name, full, JsInput.TEXT);
    }

    /** The same script, its process receiving input in another form. */
    JsScript withInput(JsInput form) {
        return new JsScript(name, source, form);
    }

    String name() {
        return name;
    }

    byte[] source() {
        return source;
    }

    JsInput input() {
        return input;
    }

    /**
     * The engine names every module {@code function.mjs} in its messages and stacks; they show the
     * user's file name instead.
     */
    String named(String engineText) {
        return engineText.replace("function.mjs", name);
    }
}
