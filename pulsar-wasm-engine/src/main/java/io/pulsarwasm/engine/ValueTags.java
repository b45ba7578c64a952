package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import run.endive.runtime.Memory;

/**
 * How the JavaScript engine tags a value, read from the value itself (the upper half of its eight
 * bytes, as QuickJS's NaN-boxing on 32-bit targets lays it out), so that the host tells a string,
 * {@code undefined}, {@code null} and an exception apart without a call into the engine. The tags
 * are not assumed: each engine instance reads them from values it makes at start, and if they do
 * not tell those kinds apart (another layout), the host takes every result through the prelude
 * instead ({@link #calibrate} returns null).
 *
 * <p>The same holds for the length of the text the engine hands over: {@code JS_ToCString} returns
 * the bytes of a string of its own, whose header, some bytes before them, holds their number (in
 * its low 31 bits), so text holding U+0000 is read whole without a second call. Where the header
 * holds it is found at start too, from texts of known lengths.
 */
final class ValueTags {

    final int string;
    final int undefined;
    final int nul;
    final int exception;
    /** How far before a C string the engine made its length is. */
    private int lengthOffset;

    private ValueTags(int string, int undefined, int nul, int exception) {
        this.string = string;
        this.undefined = undefined;
        this.nul = nul;
        this.exception = exception;
    }

    /** @return whether the value at {@code value} has the tag */
    boolean is(Memory memory, int value, int tag) {
        return tag(memory, value) == tag;
    }

    /** @return the number of UTF-8 bytes at {@code cString}, a text the engine made for the host */
    int cStringLength(Memory memory, int cString) {
        return memory.readInt(cString - lengthOffset) & 0x7fffffff;
    }

    private static int tag(Memory memory, int value) {
        return (int) (memory.readLong(value) >>> 32);
    }

    /**
     * Reads the tags from values of each kind the engine makes, and a number and an object, which
     * must have none of them.
     *
     * @return the tags, or null when the values do not tell the kinds apart
     */
    static ValueTags calibrate(QuickJs quickJs, int context) {
        Memory memory = quickJs.memory();
        int text = quickJs.newString(context, "tag");
        int number = quickJs.newNumber(context, 0.5);
        int object = evaluate(quickJs, context, "({})");
        int thrown = evaluate(quickJs, context, "throw 0");
        int pending = quickJs.exception(context, thrown);
        try {
            ValueTags tags = new ValueTags(
                    tag(memory, text),
                    tag(memory, quickJs.undefined()),
                    tag(memory, quickJs.nullValue()),
                    tag(memory, thrown));
            int[] kinds = {tags.string, tags.undefined, tags.nul, tags.exception};
            int[] others = {tag(memory, number), tag(memory, object)};
            for (int i = 0; i < kinds.length; i++) {
                for (int j = i + 1; j < kinds.length; j++) {
                    if (kinds[i] == kinds[j]) {
                        return null;
                    }
                }
                for (int other : others) {
                    if (kinds[i] == other) {
                        return null;
                    }
                }
            }
            if (pending == 0) {
                return null;
            }
            tags.lengthOffset = lengthOffset(quickJs, context);
            return tags.lengthOffset == 0 ? null : tags;
        } finally {
            quickJs.free(context, text);
            quickJs.free(context, number);
            quickJs.free(context, object);
            quickJs.free(context, pending);
            quickJs.free(thrown);
        }
    }

    /**
     * Where the length of a C string the engine made is: the offset, from 4 to 32 bytes before it,
     * that reads right for three texts (ASCII, two-byte, one holding U+0000), or 0 if none does.
     */
    private static int lengthOffset(QuickJs quickJs, int context) {
        String[] sources = {"'tag'", "'\\u00e9t\\u00e9'", "'a\\u0000bc'"};
        int[] lengths = {3, 5, 4};
        Memory memory = quickJs.memory();
        int[] values = new int[sources.length];
        int[] texts = new int[sources.length];
        try {
            for (int i = 0; i < sources.length; i++) {
                values[i] = evaluate(quickJs, context, sources[i]);
                texts[i] = quickJs.cStringOf(context, values[i]);
                if (texts[i] == 0) {
                    return 0;
                }
            }
            for (int offset = 4; offset <= 32; offset += 4) {
                boolean right = true;
                for (int i = 0; i < texts.length && right; i++) {
                    right = (memory.readInt(texts[i] - offset) & 0x7fffffff) == lengths[i];
                }
                if (right) {
                    return offset;
                }
            }
            return 0;
        } finally {
            for (int i = 0; i < sources.length; i++) {
                quickJs.freeCString(context, texts[i]);
                quickJs.free(context, values[i]);
            }
        }
    }

    private static int evaluate(QuickJs quickJs, int context, String source) {
        int code = quickJs.cString(source.getBytes(StandardCharsets.US_ASCII));
        int name = quickJs.cString("tags".getBytes(StandardCharsets.US_ASCII));
        try {
            return (int)
                    quickJs.export("QTS_Eval").apply(context, code, source.length(), name, 0, QuickJs.EVAL_GLOBAL)[0];
        } finally {
            quickJs.free(code);
            quickJs.free(name);
        }
    }
}
