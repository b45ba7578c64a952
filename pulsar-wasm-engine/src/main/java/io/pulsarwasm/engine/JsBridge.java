package io.pulsarwasm.engine;

import static run.endive.wasm.types.ValType.I32;

import io.pulsarwasm.engine.internal.Abi;
import io.pulsarwasm.engine.internal.AbiViolationException;
import io.pulsarwasm.engine.internal.GuestMemory;
import io.pulsarwasm.engine.internal.HostCallException;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * The host side of the JavaScript engine's bridge ({@code endive.invoke}, which the prelude calls
 * as {@code java_invoke}): each call the prelude's {@code ctx} makes, mapped onto
 * {@link HostFunctions} so that a JavaScript function meets the limits a wasm module meets.
 *
 * <p>Calls and results are lists of fields, each {@code -} (null) or {@code <length>:<text>}
 * (length in UTF-16 units, which JavaScript and Java strings share); a result is never empty (a
 * call that returns nothing returns one null field, and a list starts with its count). A result starting with
 * {@code !} is a failure of the host or of Pulsar, which the prelude throws as an {@code Error}
 * the function may catch; what is the function's own doing (a limit passed) traps, as it does for
 * a wasm module. Bytes cross through {@link JsStreams}.
 */
final class JsBridge {

    private static final String MODULE = "pulsar";
    /**
     * The result of a call that returns nothing: one null field, never the empty string (the engine
     * frees a result with its length, and a zero-sized free is undefined in Rust).
     */
    private static final String NOTHING = "-";

    private final HostFunctions functions;
    private final Host host;
    private final JsStreams streams;
    private final int maxLogLineBytes;
    private JsInput form = JsInput.TEXT;
    private byte[] input;
    private boolean settled;
    private boolean failed;
    private boolean registered;
    private final long maxArgumentBytes;
    private ExportFunction realloc;
    private GuestMemory guest;
    private static final byte[] EMPTY = new byte[0];

    JsBridge(HostFunctions functions, JsStreams streams, long maxStagedBytes) {
        this.functions = functions;
        this.host = functions.host();
        this.streams = streams;
        this.maxLogLineBytes = functions.maxLogLineBytes();
        // the longest value a call carries in its arguments (as UTF-8), with room for the call's other fields
        this.maxArgumentBytes = Math.max(maxStagedBytes, 4L * maxLogLineBytes) + 4 * 65536L;
    }

    /** The bridge as the engine imports it: {@code endive.invoke(module, name, fields) -> *[ptr, len]}. */
    HostFunction function() {
        return new HostFunction("endive", "invoke", List.of(I32, I32, I32, I32, I32, I32), List.of(I32), this::invoke);
    }

    /** Starts an invocation of {@code process} with its input. */
    void begin(JsInput form, byte[] input) {
        this.form = form;
        this.input = input;
        this.settled = false;
        this.failed = false;
    }

    /** @return whether the function's result (an output, none, or an error) reached the host */
    boolean settled() {
        return settled;
    }

    /** @return whether the function's process threw */
    boolean failed() {
        return failed;
    }

    /** @return whether the user's module handed over a function {@code process} */
    boolean registered() {
        return registered;
    }

    private long[] invoke(Instance instance, long... args) {
        if (guest == null) {
            guest = new GuestMemory(instance);
        }
        String module = guest.readUtf8("endive.invoke", (int) args[0], (int) args[1]);
        String call = guest.readUtf8("endive.invoke", (int) args[2], (int) args[3]);
        if (!MODULE.equals(module)) {
            throw new AbiViolationException("endive.invoke: no host module '" + module + "'");
        }
        String name = "ctx." + call;
        if (Integer.toUnsignedLong((int) args[5]) > maxArgumentBytes) {
            throw new AbiViolationException(name + ": " + Integer.toUnsignedLong((int) args[5]) + " bytes of arguments, more "
                    + "than any host call takes (" + maxArgumentBytes + ", from the output, write, state value and log line limits)");
        }
        String argument = guest.readUtf8(name, (int) args[4], (int) args[5]);
        String result;
        try {
            result = functions.bridged(name, () -> switch (call) {
                case "input" -> input();
                case "output" -> output(name, argument);
                case "error" -> {
                    requireUnsettled(name);
                    functions.setError(name, cut(argument));
                    settled = true;
                    failed = true;
                    yield NOTHING;
                }
                default -> handle(name, call, decode(name, argument));
            });
        } catch (HostCallException e) {
            if (!HostFunctions.isHostFailure(e)) {
                throw e;
            }
            result = "!" + e.getMessage();
        } finally {
            streams.dropStaged();
        }
        return new long[] {place(instance, result.getBytes(StandardCharsets.UTF_8))};
    }

    private String handle(String name, String call, List<String> f) {
        return switch (call) {
            case "register" -> {
                registered = f.size() == 1 && f.get(0) != null;
                yield NOTHING;
            }
            case "log" -> {
                LogLevel level = LogLevel.valueOf(field(name, f, 0).toUpperCase(Locale.ROOT));
                String line = field(name, f, 1);
                long bytes = utf8Length(line);
                functions.logLine(level, bytes <= maxLogLineBytes ? line : cut(line), bytes);
                yield NOTHING;
            }
            case "config" -> text(name, host.config(key(name, f, "key")));
            case "secret" -> text(name, host.secret(key(name, f, "secret name")));
            case "property" -> text(name, Optional.ofNullable(host.properties().get(key(name, f, "property name"))));
            case "properties" -> {
                // the number of properties first: a result is never empty, even for a message without properties
                Map<String, String> properties = host.properties();
                List<String> out = new ArrayList<>(1 + 2 * properties.size());
                out.add(String.valueOf(properties.size()));
                properties.forEach((k, v) -> {
                    out.add(k);
                    out.add(v);
                });
                yield checked(name, encode(out));
            }
            case "key" -> text(name, host.key());
            case "topic" -> text(name, host.topic());
            case "schema" -> text(name, host.schema());
            case "tenant" -> text(name, Optional.of(host.tenant()));
            case "namespace" -> text(name, Optional.of(host.namespace()));
            case "functionName" -> text(name, Optional.of(host.functionName()));
            case "instanceId" -> encode(List.of(String.valueOf(host.instanceId())));
            case "numInstances" -> encode(List.of(String.valueOf(host.numInstances())));
            case "eventTime" -> text(name, host.eventTime().isPresent()
                    ? Optional.of(String.valueOf(host.eventTime().getAsLong())) : Optional.empty());
            case "messageId" -> staged(name, host.messageId());
            case "stateGet" -> staged(name, functions.stateGet(name, key(name, f, "key")));
            case "statePut" -> {
                String key = key(name, f, "key");
                functions.statePut(name, key, value(name, f, 1));
                yield NOTHING;
            }
            case "stateDelete" -> {
                functions.stateDelete(name, key(name, f, "key"));
                yield NOTHING;
            }
            case "counterIncr" -> {
                functions.counterIncr(name, key(name, f, "key"), parseLong(name, field(name, f, 1)));
                yield NOTHING;
            }
            case "counterGet" -> encode(List.of(String.valueOf(functions.counterGet(name, key(name, f, "key")))));
            case "publish" -> {
                String topic = field(name, f, 0);
                String key = f.size() > 1 ? f.get(1) : null;
                byte[] value = value(name, f, 2);
                Map<String, String> properties = new LinkedHashMap<>();
                for (int i = 4; i + 1 < f.size(); i += 2) {
                    properties.put(field(name, f, i), field(name, f, i + 1));
                }
                functions.publish(name, topic, value, key, properties);
                yield NOTHING;
            }
            case "recordMetric" -> {
                functions.recordMetric(name, key(name, f, "metric name"), parseDouble(name, field(name, f, 1)));
                yield NOTHING;
            }
            default -> throw new AbiViolationException("endive.invoke: no host call '" + call + "'");
        };
    }

    /** The input, raw after its kind: {@code t} text, {@code j} JSON text, {@code b} the length of staged bytes. */
    private String input() {
        if (input == null) {
            throw new AbiViolationException("ctx.input: called outside an invocation of process");
        }
        if (form != JsInput.BYTES) {
            try {
                return (form == JsInput.RECORD ? "j" : "t") + Abi.strictUtf8(input);
            } catch (CharacterCodingException e) {
                // a record function's input that is not text (a topic without a schema): bytes
            }
        }
        streams.stage(input);
        return "b" + input.length;
    }

    /** The output, raw after its kind: {@code n} none, {@code t} text, {@code b} staged bytes. */
    private String output(String name, String argument) {
        requireUnsettled(name);
        char kind = argument.isEmpty() ? '?' : argument.charAt(0);
        switch (kind) {
            case 'n' -> functions.checkOutput(name, 0);
            case 't' -> functions.setOutput(name, argument.substring(1).getBytes(StandardCharsets.UTF_8));
            case 'b' -> functions.setOutput(name, streams.takeStaged());
            default -> throw new AbiViolationException(name + ": unknown output kind '" + kind + "'");
        }
        settled = true;
        return NOTHING;
    }

    /** One invocation has one outcome: a second output or error (a Promise of an earlier message, say) is refused. */
    private void requireUnsettled(String name) {
        if (settled) {
            throw new AbiViolationException(name + ": the invocation already has its outcome");
        }
    }

    /** Ends an invocation: the input is not kept. */
    void end() {
        input = null;
        streams.stage(EMPTY);
    }

    /** A value the guest passed: text in the call ({@code t}), or bytes it staged ({@code b}). */
    private byte[] value(String name, List<String> f, int at) {
        String kind = field(name, f, at);
        return switch (kind) {
            case "t" -> field(name, f, at + 1).getBytes(StandardCharsets.UTF_8);
            case "b" -> streams.takeStaged();
            default -> throw new AbiViolationException(name + ": unknown value kind '" + kind + "'");
        };
    }

    private String key(String name, List<String> f, String what) {
        String key = field(name, f, 0);
        functions.checkText(name, what, key);
        return key;
    }

    private String text(String name, Optional<String> value) {
        return checked(name, encode(value.isPresent() ? List.of(value.get()) : nullField()));
    }

    private String staged(String name, Optional<byte[]> value) {
        if (value.isEmpty()) {
            return "-";
        }
        functions.checkHostData(name, value.get().length);
        streams.stage(value.get());
        return encode(List.of(String.valueOf(value.get().length)));
    }

    private String checked(String name, String result) {
        functions.checkHostData(name, utf8Length(result));
        return result;
    }

    /** A log line or error text cut to the line limit, at a character boundary. */
    private String cut(String text) {
        if (text.length() <= maxLogLineBytes / 3) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxLogLineBytes) {
            return text;
        }
        int end = maxLogLineBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Writes a result into memory from the engine's {@code cabi_realloc}; returns the address of its {@code [ptr, len]}. */
    private int place(Instance instance, byte[] data) {
        if (data.length == 0) {
            // the engine frees a result with its length, and traps on a zero-sized one: every result has a field
            throw new IllegalStateException("pulsar-wasm: the bridge's result for a JavaScript call is empty (a host bug)");
        }
        if (realloc == null) {
            realloc = instance.export("cabi_realloc");
        }
        Memory memory = instance.memory();
        int ptr = (int) realloc.apply(0, 0, 1, data.length)[0];
        memory.write(ptr, data);
        int wide = (int) realloc.apply(0, 0, 1, 8)[0];
        memory.writeI32(wide, ptr);
        memory.writeI32(wide + 4, data.length);
        return wide;
    }

    private static List<String> nullField() {
        List<String> none = new ArrayList<>(1);
        none.add(null);
        return none;
    }

    private static String field(String name, List<String> f, int at) {
        if (at >= f.size() || f.get(at) == null) {
            throw new AbiViolationException(name + ": field " + at + " is missing");
        }
        return f.get(at);
    }

    private static long parseLong(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new AbiViolationException(name + ": '" + text + "' is not an integer");
        }
    }

    private static double parseDouble(String name, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new AbiViolationException(name + ": '" + text + "' is not a number");
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static String encode(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (String field : fields) {
            if (field == null) {
                out.append('-');
            } else {
                out.append(field.length()).append(':').append(field);
            }
        }
        return out.toString();
    }

    static List<String> decode(String name, String text) {
        List<String> fields = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            if (text.charAt(at) == '-') {
                fields.add(null);
                at++;
                continue;
            }
            int colon = text.indexOf(':', at);
            int length;
            try {
                length = colon < 0 ? -1 : Integer.parseInt(text, at, colon, 10);
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || colon + 1L + length > text.length()) {
                throw new AbiViolationException(name + ": malformed bridge fields at offset " + at);
            }
            fields.add(text.substring(colon + 1, colon + 1 + length));
            at = colon + 1 + length;
        }
        return fields;
    }
}
