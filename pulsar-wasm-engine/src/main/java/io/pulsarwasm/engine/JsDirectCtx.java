package io.pulsarwasm.engine;

import java.util.List;
import run.endive.runtime.Memory;

/**
 * The {@code ctx} functions the host runs itself, with no JavaScript between the user's call and
 * the host: {@code config}, {@code secret}, {@code property}, {@code key}, {@code topic}, {@code
 * tenant}, {@code namespace}, {@code functionName} and the five {@code log} levels. The engine's
 * interpreter loop is too large for HotSpot to compile on a default JVM, so every JavaScript
 * instruction a call saves counts (a {@code ctx.config} call was a dozen of them in the prelude's
 * function around the host's).
 *
 * <p>The host reads the argument from the engine's memory ({@link ValueTags}) and answers with a
 * string, {@code null}, or a thrown {@code Error} (a failure of the host). What it does not handle
 * itself, it hands to the prelude's JavaScript version of the same function, which gives the same
 * result and the same errors: an argument that is not one string (the {@code TypeError}, or a log
 * line of several values), a result holding U+0000, and an engine whose value layout the host did
 * not recognise at start.
 */
final class JsDirectCtx {

    /** The first id of these functions among the prelude's host functions ({@link JsNatives}). */
    static final int FIRST_ID = 8;

    private enum Shape {
        /** One string argument, one text or null back. */
        TEXT,
        /** No argument, one text or null back. */
        NONE,
        /** One string argument, a log line of a level. */
        LOG
    }

    /** A function: its shape, and its bridge call's name (for a log line, its level). */
    private record Direct(Shape shape, String call) {}

    /** In id order from {@link #FIRST_ID}; the prelude takes them and lists their JavaScript versions in the same order. */
    private static final List<Direct> FUNCTIONS = List.of(
            new Direct(Shape.TEXT, "config"),
            new Direct(Shape.TEXT, "secret"),
            new Direct(Shape.TEXT, "property"),
            new Direct(Shape.NONE, "key"),
            new Direct(Shape.NONE, "topic"),
            new Direct(Shape.NONE, "tenant"),
            new Direct(Shape.NONE, "namespace"),
            new Direct(Shape.NONE, "functionName"),
            new Direct(Shape.LOG, "0"),
            new Direct(Shape.LOG, "1"),
            new Direct(Shape.LOG, "2"),
            new Direct(Shape.LOG, "3"),
            new Direct(Shape.LOG, "4"));

    /** How many there are (ids {@link #FIRST_ID} on). */
    static final int COUNT = FUNCTIONS.size();

    private final JsBridge bridge;
    private final QuickJs quickJs;
    private final ValueTags tags;
    private final int[] javaScript;

    /**
     * @param tags the engine's value layout, or null when the host did not recognise it (then
     *     every call goes to the JavaScript version)
     * @param javaScript each function's JavaScript version, in id order, kept for the engine's life
     *     (released with it)
     */
    JsDirectCtx(JsBridge bridge, QuickJs quickJs, ValueTags tags, int[] javaScript) {
        if (javaScript.length != COUNT) {
            throw new IllegalStateException("pulsar-wasm: the JavaScript prelude lists " + javaScript.length
                    + " JavaScript versions of the host's " + COUNT + " ctx functions (a host bug)");
        }
        this.bridge = bridge;
        this.quickJs = quickJs;
        this.tags = tags;
        this.javaScript = javaScript.clone();
    }

    /**
     * Runs function {@code id} for the engine's host callback.
     *
     * @return the result value, owned by the engine from here on (an exception marker when it threw)
     */
    int call(int context, int count, int arguments, int id) {
        int index = id - FIRST_ID;
        Direct function = FUNCTIONS.get(index);
        if (tags == null) {
            return javaScript(context, count, arguments, index);
        }
        return switch (function.shape()) {
            case NONE -> answer(context, count, arguments, index, bridge.invoke(function.call(), ""));
            case TEXT -> {
                String argument = count >= 1 ? text(context, quickJs.argument(arguments, 0)) : null;
                yield argument == null
                        ? javaScript(context, count, arguments, index)
                        : answer(
                                context,
                                count,
                                arguments,
                                index,
                                bridge.invoke(function.call(), JsFields.of(argument)));
            }
            case LOG -> {
                String line = count == 1 ? text(context, quickJs.argument(arguments, 0)) : null;
                if (line == null) {
                    yield javaScript(context, count, arguments, index);
                }
                String result = bridge.invoke("log", JsFields.of(function.call()) + JsFields.of(line));
                yield result.startsWith("!") ? thrown(context, result.substring(1)) : 0;
            }
        };
    }

    /** @return the value's text if it is a string (made well-formed), else null */
    private String text(int context, int value) {
        Memory memory = quickJs.memory();
        if (!tags.is(memory, value, tags.string)) {
            return null;
        }
        int cString = quickJs.cStringOf(context, value);
        if (cString == 0) {
            return null;
        }
        try {
            int length = tags.cStringLength(memory, cString);
            return new String(
                    Utf8.wellFormed(memory.readBytes(cString, length)), java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            quickJs.freeCString(context, cString);
        }
    }

    /** A one-field result: text, null, or a failure to throw; text holding U+0000 goes the JavaScript way. */
    private int answer(int context, int count, int arguments, int index, String result) {
        if (result.startsWith("!")) {
            return thrown(context, result.substring(1));
        }
        List<String> fields = JsFields.decode("ctx", result);
        String value = fields.isEmpty() ? null : fields.get(0);
        if (value == null) {
            return quickJs.newNull(context);
        }
        if (value.indexOf('\0') >= 0) {
            return javaScript(context, count, arguments, index);
        }
        return quickJs.newString(context, value);
    }

    /** @return the exception marker, with an {@code Error} of the message thrown */
    private int thrown(int context, String message) {
        int error = quickJs.newError(context, message.indexOf('\0') < 0 ? message : message.replace('\0', '\uFFFD'));
        try {
            return quickJs.throwValue(context, error);
        } finally {
            quickJs.free(context, error);
        }
    }

    /** @return what the function's JavaScript version returns for the same arguments (or the exception marker) */
    private int javaScript(int context, int count, int arguments, int index) {
        if (count == 0) {
            return quickJs.call(context, javaScript[index], 0, 0);
        }
        int pointers = quickJs.malloc(4 * count);
        try {
            Memory memory = quickJs.memory();
            for (int i = 0; i < count; i++) {
                memory.writeI32(pointers + 4 * i, quickJs.argument(arguments, i));
            }
            return quickJs.call(context, javaScript[index], count, pointers);
        } finally {
            quickJs.free(pointers);
        }
    }
}
