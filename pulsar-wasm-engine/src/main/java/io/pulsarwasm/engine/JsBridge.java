package io.pulsarwasm.engine;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The host side of the JavaScript engine's bridge (the prelude's {@code bridge}, a host function
 * of {@link JsNatives}): each {@code ctx} call is the {@link HostImport} of its {@link
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

    /**
     * The result of a call that returns nothing: one null field, never the empty string.
     */
    private static final String NOTHING = "-";

    private static final byte[] EMPTY = new byte[0];

    private final HostCalls calls;
    private final ValueLimits bounds;
    private final JsStreams streams;
    private final long maxArgumentBytes;
    private JsInput form = JsInput.TEXT;
    private long invocation;
    private byte[] input;
    private boolean settled;
    private boolean failed;
    private boolean registered;

    JsBridge(HostCalls calls, JsStreams streams, long maxStagedBytes) {
        this.calls = calls;
        this.bounds = calls.bounds();
        this.streams = streams;
        // the longest value a call carries in its arguments (as UTF-8), with room for the call's other fields
        this.maxArgumentBytes = Math.max(maxStagedBytes, 4L * bounds.maxLogLineBytes()) + 4 * 65536L;
    }

    /** Starts invocation {@code id} of {@code process}, with its input. */
    void begin(JsInput form, byte[] input, long id) {
        this.form = form;
        this.input = input;
        this.invocation = id;
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

    /**
     * Runs one call of the bridge.
     *
     * @param call the call's name: a host call's bridge name, or one of the invocation's own
     * @param argument its fields
     * @return its result fields, or {@code !} and the failure
     */
    String invoke(String call, String argument) {
        String name = "ctx." + call;
        if (argument.length() > maxArgumentBytes / 3 && ValueLimits.utf8Length(argument) > maxArgumentBytes) {
            throw new AbiViolationException(
                    name + ": " + ValueLimits.utf8Length(argument) + " bytes of arguments, more "
                            + "than any host call takes (" + maxArgumentBytes
                            + ", from the output, write, state value and log line limits)");
        }
        String result;
        try {
            result = calls.recovery().bridged(name, () -> switch (call) {
                case "register" -> {
                    registered = JsFields.decode(name, argument).equals(List.of("function"));
                    yield NOTHING;
                }
                case "input" -> input();
                case "output" -> {
                    String outcome = ofCurrent(name, argument);
                    yield outcome == null ? NOTHING : output(name, outcome);
                }
                case "error" -> {
                    String error = ofCurrent(name, argument);
                    if (error != null) {
                        requireUnsettled(name);
                        calls.setError(name, bounds.line(error).text());
                        settled = true;
                        failed = true;
                    }
                    yield NOTHING;
                }
                default -> {
                    HostImport hostCall = HostImport.byBridgeName(call);
                    if (hostCall == null) {
                        throw new AbiViolationException("the JavaScript bridge: no host call '" + call + "'");
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
        return result;
    }

    /** The input, raw after its kind: {@code t} text, {@code j} JSON text, {@code b} the length of staged bytes (a window's records are JSON text too). */
    private String input() {
        if (input == null) {
            throw new AbiViolationException("ctx.input: called outside an invocation of process");
        }
        if (form != JsInput.BYTES) {
            try {
                return (form == JsInput.TEXT ? "t" : "j") + Abi.strictUtf8(input);
            } catch (CharacterCodingException e) {
                // a record function's input that is not text (a topic without a schema): bytes
            }
        }
        streams.stage(input);
        return "b" + input.length;
    }

    /** The output, raw after its kind: {@code n} none, {@code t} text, {@code b} staged bytes. */
    String output(String name, String argument) {
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

    /**
     * An outcome sent through the bridge starts with its invocation's id and {@code ;}.
     *
     * @return the outcome, or null when its invocation is over (a Promise of an earlier message
     *     settling late, which decides nothing)
     */
    private String ofCurrent(String name, String argument) {
        int semicolon = argument.indexOf(';');
        long id;
        try {
            id = Long.parseLong(argument.substring(0, Math.max(0, semicolon)));
        } catch (NumberFormatException e) {
            throw new AbiViolationException(name + ": no invocation id before the outcome");
        }
        return id == invocation && input != null ? argument.substring(semicolon + 1) : null;
    }

    /** Refuses an output over the limit before the host reads it. */
    void checkOutput(long length) {
        requireUnsettled("process");
        calls.checkOutput("process", length);
    }

    /** The outcome of the current invocation as the engine returned it: text as UTF-8. */
    void outputText(byte[] utf8) {
        requireUnsettled("process");
        calls.setOutput("process", utf8);
        settled = true;
    }

    /** The outcome of the current invocation: what it threw, described. */
    void error(String text) {
        requireUnsettled("process");
        calls.setError("process", bounds.line(text).text());
        settled = true;
        failed = true;
    }

    /** The outcome of the current invocation as the engine returned it: no output. */
    void outputNone() {
        requireUnsettled("process");
        calls.checkOutput("process", 0);
        settled = true;
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
}
