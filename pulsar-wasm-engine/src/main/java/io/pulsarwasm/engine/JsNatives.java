package io.pulsarwasm.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The host functions the JavaScript prelude is given (and hides from the user's code): the bridge
 * to the host calls, the bytes that cross it, and UTF-8 for {@code TextEncoder} and
 * {@code TextDecoder}. QuickJS calls them all through one callback with the function's id.
 *
 * <p>Text arrives with its length in UTF-16 units, since a string may hold U+0000; text that holds
 * U+0000 is returned as an array of the pieces between them, which the prelude joins (QuickJS makes a
 * string from a C string, which ends at the first NUL).
 */
final class JsNatives implements QuickJsImports.HostCallback {

    /** {@code bridge(call, fields, length) -> result}: a host call ({@link JsBridge}). */
    static final int BRIDGE = 1;
    /** {@code take() -> ArrayBuffer | null}: the bytes the host staged. */
    static final int TAKE = 2;
    /** {@code stage(buffer, offset, length)}: bytes for the next host call. */
    static final int STAGE = 3;
    /** {@code encode(text, length) -> ArrayBuffer}: UTF-8. */
    static final int ENCODE = 4;
    /** {@code decode(buffer, offset, length, fatal, ignoreBOM) -> text | null}: null when fatal and malformed. */
    static final int DECODE = 5;

    /**
     * {@code one(call, text?, length?) -> text | null | Error}: a host call of at most one text
     * argument and one field back, most {@code ctx} calls, with the fields made and read here
     * rather than in JavaScript; a failure of the host comes back as an {@code Error} to throw.
     */
    static final int ONE = 6;
    /** {@code log(level, line, length) -> undefined | Error}: a log line. */
    static final int LOG = 7;

    /**
     * The names the prelude finds them under, in id order from 1: the prelude's own, then the
     * {@code ctx} functions the host runs itself ({@link JsDirectCtx}), each named as the prelude's
     * {@code ctx} functions are, so that a stack is cut at them.
     */
    static final String[] NAMES = names();

    private final JsBridge bridge;
    private final JsStreams streams;
    private final long maxDecodedBytes;
    private QuickJs quickJs;
    private JsDirectCtx direct;

    /** @param maxDecodedBytes the most bytes one encode or decode handles (the engine's memory bounds them anyway) */
    JsNatives(JsBridge bridge, JsStreams streams, long maxDecodedBytes) {
        this.bridge = bridge;
        this.streams = streams;
        this.maxDecodedBytes = maxDecodedBytes;
    }

    void attach(QuickJs engine) {
        this.quickJs = engine;
    }

    /** The {@code ctx} functions the host runs itself, once the prelude has given their JavaScript versions. */
    void attach(JsDirectCtx directCtx) {
        this.direct = directCtx;
    }

    private static String[] names() {
        String[] names = new String[JsDirectCtx.FIRST_ID - 1 + JsDirectCtx.COUNT];
        String[] own = {"bridge", "take", "stage", "encode", "decode", "one", "log"};
        System.arraycopy(own, 0, names, 0, own.length);
        java.util.Arrays.fill(names, own.length, names.length, "__pulsar_ctx");
        return names;
    }

    @Override
    public int call(int context, int thisValue, int count, int arguments, int id) {
        if (id >= JsDirectCtx.FIRST_ID && id < JsDirectCtx.FIRST_ID + JsDirectCtx.COUNT) {
            if (direct == null) {
                throw new AbiViolationException(
                        "a ctx function was called before the prelude gave its JavaScript versions");
            }
            return direct.call(context, count, arguments, id);
        }
        return switch (id) {
            case BRIDGE ->
                text(
                        context,
                        bridge.invoke(
                                string(context, arguments, count, 0, -1), string(context, arguments, count, 1, 2)));
            case TAKE -> {
                byte[] staged = streams.takeForGuest();
                yield staged == null ? 0 : quickJs.newArrayBuffer(context, staged, 0, staged.length);
            }
            case STAGE -> {
                streams.fromGuest(bytes(context, arguments, count));
                yield 0;
            }
            case ENCODE -> {
                byte[] utf8 = string(context, arguments, count, 0, 1).getBytes(StandardCharsets.UTF_8);
                yield quickJs.newArrayBuffer(context, utf8, 0, utf8.length);
            }
            case DECODE -> decode(context, arguments, count);
            case ONE -> {
                String call = string(context, arguments, count, 0, -1);
                String fields = count > 1 ? JsFields.of(string(context, arguments, count, 1, 2)) : "";
                yield one(context, bridge.invoke(call, fields));
            }
            case LOG -> {
                int level = lengthAt(context, arguments, 0);
                String line = string(context, arguments, count, 1, 2);
                String result = bridge.invoke("log", JsFields.of(String.valueOf(level)) + JsFields.of(line));
                yield result.startsWith("!") ? error(context, result.substring(1)) : 0;
            }
            default ->
                throw new AbiViolationException(
                        "the JavaScript prelude called host function " + id + ", which does not exist");
        };
    }

    /**
     * Argument {@code index}, a string, with its length in UTF-16 units at {@code lengthIndex}
     * (-1: a name, which holds no U+0000).
     */
    private String string(int context, int arguments, int count, int index, int lengthIndex) {
        if (Math.max(index, lengthIndex) >= count) {
            throw new AbiViolationException("the JavaScript prelude passed " + count + " arguments to a host function");
        }
        int length = lengthIndex < 0 ? -1 : lengthAt(context, arguments, lengthIndex);
        return quickJs.string(context, quickJs.argument(arguments, index), length);
    }

    private int lengthAt(int context, int arguments, int index) {
        double length = quickJs.number(context, quickJs.argument(arguments, index));
        if (!(length >= 0 && length <= Integer.MAX_VALUE) || length != Math.rint(length)) {
            throw new AbiViolationException("the JavaScript prelude passed a length of " + length);
        }
        return (int) length;
    }

    /** Arguments {@code (buffer, offset, length)}: that part of an ArrayBuffer. */
    private byte[] bytes(int context, int arguments, int count) {
        if (count < 3) {
            throw new AbiViolationException("the JavaScript prelude passed " + count + " arguments for bytes");
        }
        int buffer = quickJs.argument(arguments, 0);
        int offset = lengthAt(context, arguments, 1);
        int length = lengthAt(context, arguments, 2);
        int size = quickJs.arrayBufferLength(context, buffer);
        if ((long) offset + length > size) {
            throw new AbiViolationException("the JavaScript prelude passed bytes " + offset + ".." + (offset + length)
                    + " of an ArrayBuffer of " + size);
        }
        if (length > maxDecodedBytes) {
            throw new AbiViolationException(
                    "a JavaScript function passed " + length + " bytes to one host call, more than " + maxDecodedBytes
                            + " (the largest output, state value or publish the limits allow)");
        }
        return quickJs.arrayBuffer(context, buffer, offset, length);
    }

    private int decode(int context, int arguments, int count) {
        byte[] bytes = bytes(context, arguments, count);
        boolean fatal = count > 3 && quickJs.number(context, quickJs.argument(arguments, 3)) != 0;
        boolean ignoreBom = count > 4 && quickJs.number(context, quickJs.argument(arguments, 4)) != 0;
        int from = !ignoreBom
                        && bytes.length >= 3
                        && (bytes[0] & 0xff) == 0xef
                        && (bytes[1] & 0xff) == 0xbb
                        && (bytes[2] & 0xff) == 0xbf
                ? 3
                : 0;
        String text;
        if (fatal) {
            try {
                text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, from, bytes.length - from))
                        .toString();
            } catch (CharacterCodingException e) {
                return 0;
            }
        } else {
            text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        }
        return text(context, text);
    }

    /** The result of a one-field call as a value: its text, {@code null}, or an {@code Error} for a failure. */
    private int one(int context, String result) {
        if (result.startsWith("!")) {
            return error(context, result.substring(1));
        }
        java.util.List<String> fields = JsFields.decode("ctx", result);
        String value = fields.isEmpty() ? null : fields.get(0);
        return value == null ? quickJs.newNull(context) : text(context, value);
    }

    /** @return a new {@code Error} with the message, for the prelude to throw */
    private int error(int context, String message) {
        return quickJs.newError(context, message.indexOf('\0') < 0 ? message : message.replace('\0', '\uFFFD'));
    }

    /** @return a new value for the text: a string, or the array of its pieces between U+0000s */
    int text(int context, String text) {
        if (text.indexOf('\0') < 0) {
            return quickJs.newString(context, text);
        }
        return quickJs.newPieces(context, text.split("\0", -1));
    }
}
