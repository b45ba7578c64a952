package io.pulsarwasm.engine;

import static run.endive.wasm.types.ValType.I32;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * The host side of the JavaScript engine's bridge ({@code endive.invoke}, which the prelude calls
 * as {@code java_invoke}): each {@code ctx} call is the {@link HostImport} of its {@link
 * HostImport#bridgeName() bridge name}, run by {@link HostCalls#call} as a wasm module's is, so that
 * a JavaScript function meets the same limits. Besides, the bridge has the invocation's own calls:
 * {@code register} (the module's {@code process}), {@code input}, {@code output} and {@code error}.
 *
 * <p>Calls and results are lists of fields, each {@code -} (null) or {@code <length>:<text>}
 * (length in UTF-16 units, which JavaScript and Java strings share), the arguments in the order of
 * {@link HostImport#params()}: a value is two fields (its kind, {@code t} text or {@code b} bytes
 * staged, and the text or null), a map its count and then its keys and values. A result is never
 * empty (a call that returns nothing returns one null field, and a map starts with its count). A
 * result starting with {@code !} is a failure of the host or of Pulsar, which the prelude throws as
 * an {@code Error} the function may catch; what is the function's own doing (a limit passed) traps,
 * as it does for a wasm module. Bytes cross through {@link JsStreams}.
 */
final class JsBridge implements CallResults<String> {

    private static final String MODULE = "pulsar";
    /**
     * The result of a call that returns nothing: one null field, never the empty string (the engine
     * frees a result with its length, and a zero-sized free is undefined in Rust).
     */
    private static final String NOTHING = "-";

    private static final byte[] EMPTY = new byte[0];

    private final HostCalls calls;
    private final ValueLimits bounds;
    private final JsStreams streams;
    private final long maxArgumentBytes;
    private JsInput form = JsInput.TEXT;
    private byte[] input;
    private boolean settled;
    private boolean failed;
    private boolean registered;
    private ExportFunction realloc;
    private GuestMemory guest;

    JsBridge(HostCalls calls, JsStreams streams, long maxStagedBytes) {
        this.calls = calls;
        this.bounds = calls.bounds();
        this.streams = streams;
        // the longest value a call carries in its arguments (as UTF-8), with room for the call's other fields
        this.maxArgumentBytes = Math.max(maxStagedBytes, 4L * bounds.maxLogLineBytes()) + 4 * 65536L;
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
            throw new AbiViolationException(name + ": " + Integer.toUnsignedLong((int) args[5])
                    + " bytes of arguments, more " + "than any host call takes (" + maxArgumentBytes
                    + ", from the output, write, state value and log line limits)");
        }
        String argument = guest.readUtf8(name, (int) args[4], (int) args[5]);
        String result;
        try {
            result = calls.recovery().bridged(name, () -> switch (call) {
                case "register" -> {
                    registered = JsFields.decode(name, argument).equals(List.of("function"));
                    yield NOTHING;
                }
                case "input" -> input();
                case "output" -> output(name, argument);
                case "error" -> {
                    requireUnsettled(name);
                    calls.setError(name, bounds.line(argument).text());
                    settled = true;
                    failed = true;
                    yield NOTHING;
                }
                default -> {
                    HostImport hostCall = HostImport.byBridgeName(call);
                    if (hostCall == null) {
                        throw new AbiViolationException("endive.invoke: no host call '" + call + "'");
                    }
                    yield calls.call(
                            hostCall,
                            name,
                            new JsArguments(hostCall, name, JsFields.decode(name, argument), bounds, streams),
                            this);
                }
            });
        } catch (HostCallException e) {
            if (!Recovery.isHostFailure(e)) {
                throw e;
            }
            result = "!" + e.getMessage();
        } finally {
            streams.dropStaged();
        }
        return new long[] {place(instance, result.getBytes(StandardCharsets.UTF_8))};
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
            case 'n' -> calls.checkOutput(name, 0);
            case 't' -> calls.setOutput(name, argument.substring(1).getBytes(StandardCharsets.UTF_8));
            case 'b' -> calls.setOutput(name, streams.takeStaged());
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

    @Override
    public String none() {
        return NOTHING;
    }

    @Override
    public String text(String call, Optional<String> value) {
        return checked(call, value.isPresent() ? JsFields.of(value.get()) : NOTHING);
    }

    @Override
    public String bytes(String call, Optional<byte[]> value) {
        if (value.isEmpty()) {
            return NOTHING;
        }
        bounds.checkHostData(call, value.get().length);
        streams.stage(value.get());
        return JsFields.of(String.valueOf(value.get().length));
    }

    @Override
    public String map(String call, Map<String, String> value) {
        // the number of entries first: a result is never empty, even for a message without properties
        StringBuilder out = new StringBuilder(JsFields.of(String.valueOf(value.size())));
        value.forEach((k, v) -> out.append(JsFields.of(k)).append(JsFields.of(v)));
        return checked(call, out.toString());
    }

    @Override
    public String number(long value) {
        return JsFields.of(String.valueOf(value));
    }

    @Override
    public String optionalNumber(OptionalLong value) {
        return value.isPresent() ? number(value.getAsLong()) : NOTHING;
    }

    private String checked(String call, String result) {
        bounds.checkHostData(call, ValueLimits.utf8Length(result));
        return result;
    }

    /** Writes a result into memory from the engine's {@code cabi_realloc}; returns the address of its {@code [ptr, len]}. */
    private int place(Instance instance, byte[] data) {
        if (data.length == 0) {
            // the engine frees a result with its length, and traps on a zero-sized one: every result has a field
            throw new IllegalStateException(
                    "pulsar-wasm: the bridge's result for a JavaScript call is empty (a host bug)");
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
}
