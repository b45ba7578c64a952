package io.pulsarwasm.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * The JavaScript engine's way in (QuickJS-ng through quickjs-emscripten's C API, {@link QuickJs}):
 * make a runtime and a context, give the prelude its host functions ({@link JsNatives}), evaluate
 * the prelude and the user's module once, then, per message, call the user's {@code process} with
 * the input and take the string it returns: one JavaScript call a message. The prelude's dispatcher
 * and settler handle the rest (bytes, Promises, wrong types, errors). Nothing is evaluated per
 * message, so a message leaves nothing behind in the engine.
 *
 * <p>Over 300 lines on purpose: it is the one place that holds the engine's pointers (runtime,
 * context, the prelude's hooks, the registered {@code process}) and the order in which they are made
 * and used; split, each part would need all of them.
 */
final class JsEntry implements GuestEntry {

    private static final byte[] PRELUDE = preludeSource();
    /** The engine names the module so in its stacks; {@link JsScript#named} puts the user's file name in. */
    private static final String FILE_NAME = "function.mjs";
    /** {@code JS_EVAL_FLAG_COMPILE_ONLY}. */
    private static final int COMPILE_ONLY = 1 << 5;
    /** What the engine's C stack, data and first allocations take of its memory before any JavaScript runs. */
    private static final long ENGINE_BYTES = 6L << 20;
    /** {@code JS_PROMISE_REJECTED}, {@code JS_PROMISE_PENDING}. */
    private static final int REJECTED = 2;

    private static final int PENDING = 0;

    private final JsScript script;
    private final Instance instance;
    private final JsBridge bridge;
    private final JsNatives natives;
    private final JsStreams streams;
    private final HostCalls host;
    private final int maxPages;
    private final int fullPages;
    private QuickJs quickJs;
    private int runtime;
    private int context;
    private int dispatch;
    private int describe;
    private int settle;
    private int ctx;
    private int userProcess;
    private int jsonParse;
    /** Room for three arguments' pointers, for the calls the host makes. */
    private int arguments;
    /** How the engine tags a value as a string, undefined, null, or an exception; null when they cannot be told apart. */
    private ValueTags tags;

    private long invocations;

    JsEntry(
            JsScript script,
            Instance instance,
            JsBridge bridge,
            JsNatives natives,
            JsStreams streams,
            HostCalls host,
            GuestBudget budget) {
        this.script = script;
        this.instance = instance;
        this.bridge = bridge;
        this.natives = natives;
        this.streams = streams;
        this.host = host;
        this.maxPages = budget.firstMemoryPages();
        this.fullPages = maxPages - maxPages / 8;
    }

    @Override
    public String processName() {
        return "function process";
    }

    @Override
    public void start(Calls calls) {
        quickJs = new QuickJs(instance);
        natives.attach(quickJs);
        calls.trusted("the JavaScript engine's start", () -> {
            startEngine();
            return 0;
        });
        int getProcess = (int) calls.trusted("the prelude", () -> {
            int hooks = evaluate(PRELUDE, QuickJs.EVAL_GLOBAL);
            int thrown = quickJs.exception(context, hooks);
            if (thrown != 0) {
                throw new IllegalStateException("pulsar-wasm: the JavaScript prelude threw "
                        + quickJs.string(context, thrown, -1) + " (a host bug)");
            }
            ExportFunction element = quickJs.export("QTS_GetPropNumber");
            dispatch = (int) element.apply(context, hooks, 0)[0];
            describe = (int) element.apply(context, hooks, 1)[0];
            settle = (int) element.apply(context, hooks, 2)[0];
            ctx = (int) element.apply(context, hooks, 4)[0];
            int processGetter = (int) element.apply(context, hooks, 3)[0];
            int direct = (int) element.apply(context, hooks, 5)[0];
            quickJs.free(context, hooks);
            arguments = quickJs.malloc(12);
            tags = ValueTags.calibrate(quickJs, context);
            int[] javaScript = new int[JsDirectCtx.COUNT];
            for (int i = 0; i < javaScript.length; i++) {
                javaScript[i] = (int) element.apply(context, direct, i)[0];
            }
            quickJs.free(context, direct);
            natives.attach(new JsDirectCtx(bridge, quickJs, tags, javaScript));
            return processGetter;
        });
        byte[] source = script.source();
        String[] failure = new String[1];
        calls.call("compiling '" + script.name() + "'", () -> {
            int compiled = evaluate(source, QuickJs.EVAL_MODULE | COMPILE_ONLY);
            failure[0] = thrown(compiled);
            return 0;
        });
        if (failure[0] != null) {
            throw new WasmLoadException(
                    "JavaScript function '" + script.name() + "' does not compile: " + script.named(failure[0]));
        }
        calls.call("the top-level code of '" + script.name() + "'", () -> {
            failure[0] = runTopLevel(source);
            host.awaitWrites();
            return 0;
        });
        if (failure[0] != null) {
            throw new WasmLoadException("JavaScript function '" + script.name() + "': its top-level code threw "
                    + script.named(failure[0]) + outOfMemory(failure[0]));
        }
        if (!bridge.registered()) {
            throw new WasmLoadException("JavaScript function '" + script.name()
                    + "' declares no function process: it must define process(input, ctx), e.g. "
                    + "export function process(input, ctx) { return input; }");
        }
        calls.trusted("the prelude", () -> {
            userProcess = quickJs.call(context, getProcess, 0, 0);
            quickJs.free(context, getProcess);
            jsonParse = evaluate("JSON.parse".getBytes(StandardCharsets.US_ASCII), QuickJs.EVAL_GLOBAL);
            return 0;
        });
    }

    /** A runtime within the memory budget, a context, and the prelude's host functions as the global {@code __pulsar_natives}. */
    private void startEngine() {
        runtime = (int) quickJs.export("QTS_NewRuntime").apply()[0];
        long heap = Math.max(1L << 20, (long) maxPages * 65536 - ENGINE_BYTES);
        quickJs.export("QTS_RuntimeSetMemoryLimit").apply(runtime, heap);
        context = (int) quickJs.export("QTS_NewContext").apply(runtime, 0)[0];
        if (runtime == 0 || context == 0) {
            throw new IllegalStateException("the JavaScript engine could not start within " + maxPages + " pages");
        }
        ExportFunction newFunction = quickJs.export("QTS_NewFunction");
        ExportFunction setProp = quickJs.export("QTS_SetProp");
        int list = (int) quickJs.export("QTS_NewArray").apply(context)[0];
        for (int id = 1; id <= JsNatives.NAMES.length; id++) {
            int name = quickJs.cString(JsNatives.NAMES[id - 1].getBytes(StandardCharsets.US_ASCII));
            int function = (int) newFunction.apply(context, name, 0, 0, id)[0];
            quickJs.free(name);
            int key = quickJs.newNumber(context, id - 1);
            setProp.apply(context, list, key, function);
            quickJs.free(context, key);
            quickJs.free(context, function);
        }
        int global = (int) quickJs.export("QTS_GetGlobalObject").apply(context)[0];
        int key = quickJs.newString(context, "__pulsar_natives");
        setProp.apply(context, global, key, list);
        quickJs.free(context, key);
        quickJs.free(context, list);
        quickJs.free(context, global);
    }

    /** Evaluates the user's module, its Promise jobs included; returns what it threw, or null. */
    private String runTopLevel(byte[] source) {
        int result = evaluate(source, QuickJs.EVAL_MODULE);
        int thrown = quickJs.exception(context, result);
        if (thrown != 0) {
            quickJs.free(result);
            return describeAndFree(thrown);
        }
        quickJs.runJobs(runtime, context);
        // a module with top-level await evaluates to a Promise of its namespace
        int state = (int) quickJs.export("QTS_PromiseState").apply(context, result)[0];
        try {
            if (state == REJECTED) {
                return describeAndFree((int) quickJs.export("QTS_PromiseResult").apply(context, result)[0]);
            }
            if (state == PENDING) {
                return "Error: the top-level code awaits a Promise that never settles (there are no timers or I/O "
                        + "to wait for)";
            }
            return null;
        } finally {
            quickJs.free(context, result);
        }
    }

    /**
     * @return whether the host calls {@code process} itself and reads its result from the engine's
     *     memory (the value layout checked at start), rather than taking every message through the
     *     prelude's dispatcher
     */
    boolean callsProcessDirectly() {
        return tags != null;
    }

    @Override
    public long process(long input) {
        throw new IllegalStateException("a JavaScript function has no Long entry point");
    }

    @Override
    public int process(byte[] given) {
        // a window function's records reach process as an array, parsed from JSON as a record is
        byte[] input = script.input() == JsInput.WINDOW ? WindowInput.json(given) : given;
        long id = ++invocations;
        bridge.begin(script.input(), input, id);
        try {
            int argument = tags == null ? 0 : inputValue(input);
            if (argument == 0) {
                takeOutcome(dispatch(id));
            } else {
                take(callProcess(argument, id), id);
            }
            quickJs.runJobs(runtime, context);
        } finally {
            bridge.end();
        }
        if (!bridge.settled()) {
            host.setError(
                    "process",
                    "process returned a Promise that did not settle (there are no timers or I/O "
                            + "to wait for: a Promise settles within the call or never)");
            return 1;
        }
        return bridge.failed() ? 1 : 0;
    }

    /**
     * Calls the user's {@code process(input, ctx)} with text; a record's input is parsed first
     * (JSON.parse), and one that is not JSON goes to the dispatcher, which fails it as the user's
     * code would see it.
     */
    private int callProcess(int argument, long id) {
        Memory memory = instance.memory();
        int value = argument;
        if (script.input() == JsInput.RECORD || script.input() == JsInput.WINDOW) {
            memory.writeI32(arguments, argument);
            value = quickJs.call(context, jsonParse, 1, arguments);
            quickJs.free(context, argument);
            if (tags.is(memory, value, tags.exception)) {
                quickJs.free(context, quickJs.exception(context, value));
                quickJs.free(value);
                return dispatch(id);
            }
        }
        memory.writeI32(arguments, value);
        memory.writeI32(arguments + 4, ctx);
        int result = quickJs.call(context, userProcess, 2, arguments);
        quickJs.free(context, value);
        return result;
    }

    /** Takes what the user's {@code process} returned: text or none as they are, anything else through the settler. */
    private void take(int result, long id) {
        Memory memory = instance.memory();
        if (tags.is(memory, result, tags.exception)) {
            takeOutcome(result);
        } else if (tags.is(memory, result, tags.string)) {
            int text = quickJs.cStringOf(context, result);
            try {
                if (text == 0) {
                    throw new AbiViolationException("process: the JavaScript engine could not hand over the output");
                }
                int length = tags.cStringLength(memory, text);
                // the limit first: a hostile output is refused before it is copied
                bridge.checkOutput(length);
                bridge.outputText(Utf8.wellFormed(memory.readBytes(text, length)));
            } finally {
                quickJs.freeCString(context, text);
                quickJs.free(context, result);
            }
        } else if (tags.is(memory, result, tags.undefined) || tags.is(memory, result, tags.nul)) {
            quickJs.free(context, result);
            bridge.outputNone();
        } else {
            memory.writeI32(arguments, result);
            memory.writeI32(
                    arguments + 4,
                    script.input() == JsInput.RECORD || script.input() == JsInput.WINDOW
                            ? quickJs.trueValue()
                            : quickJs.falseValue());
            int number = quickJs.newNumber(context, id);
            memory.writeI32(arguments + 8, number);
            int outcome = quickJs.call(context, settle, 3, arguments);
            quickJs.free(context, number);
            quickJs.free(context, result);
            takeOutcome(outcome);
        }
    }

    /** {@code __pulsar_dispatch(id)}: the prelude takes the input from the bridge. */
    private int dispatch(long id) {
        int number = quickJs.newNumber(context, id);
        instance.memory().writeI32(arguments, number);
        int outcome = quickJs.call(context, dispatch, 1, arguments);
        quickJs.free(context, number);
        return outcome;
    }

    /**
     * Takes an outcome the prelude returned — raw after its kind, or empty when it went through
     * the bridge — or what was thrown past it (the engine's own failure, out of memory say).
     */
    private void takeOutcome(int outcome) {
        int thrown = quickJs.exception(context, outcome);
        if (thrown != 0) {
            quickJs.free(outcome);
            String text = describeAndFree(thrown);
            if (!bridge.settled()) {
                bridge.error(script.named(text));
            }
            return;
        }
        String raw = quickJs.string(context, outcome, -1);
        quickJs.free(context, outcome);
        if (raw != null && !raw.isEmpty()) {
            bridge.output("process", raw);
        }
    }

    /**
     * The input as {@code process} takes it, a string (JSON text for a record), or 0 when the
     * dispatcher should take it from the bridge (bytes, or text holding U+0000, which a C string cannot).
     */
    private int inputValue(byte[] input) {
        if (script.input() == JsInput.BYTES) {
            return 0;
        }
        boolean ascii = true;
        for (byte b : input) {
            if (b == 0) {
                return 0;
            }
            ascii &= b > 0;
        }
        if (!ascii) {
            try {
                Abi.strictUtf8(input);
            } catch (CharacterCodingException e) {
                return 0;
            }
        }
        return quickJs.newString(context, input);
    }

    @Override
    public GuestErrorException guestError(String moduleName, int status, String error) {
        String text = script.named(error);
        return new GuestErrorException(
                "JavaScript function '" + script.name() + "': process threw " + text + outOfMemory(text), text);
    }

    /**
     * QuickJS reports memory it could not get as {@code InternalError: out of memory}, or, when it
     * cannot even make that error, throws {@code null}: either way, say which limit it met.
     */
    private String outOfMemory(String text) {
        String heap = FlatMemory.heapRefusal(instance.memory());
        if (!heap.isEmpty()) {
            return heap;
        }
        boolean engineOutOfMemory = text.startsWith("InternalError: out of memory")
                || text.equals("uncaught null") && instance.memory().pages() >= fullPages;
        if (!engineOutOfMemory) {
            return "";
        }
        int pages = instance.memory().pages();
        return " (QuickJS ran out of memory: the engine's memory, " + pages + " pages now, is limited to " + maxPages
                + " pages by user config " + Limit.MAX_MEMORY_PAGES.key() + ")";
    }

    @Override
    public void close(Calls calls) {
        // a JavaScript function has no close hook: its instance is only released
    }

    @Override
    public String diagnostics() {
        String errors = streams.takeErrors();
        return errors.isEmpty() ? "" : "; the JavaScript engine said: " + script.named(errors);
    }

    /** @return what a compile or an evaluation threw (through the prelude's describe), or null; frees the value */
    private String thrown(int value) {
        int thrown = quickJs.exception(context, value);
        if (thrown == 0) {
            quickJs.free(context, value);
            return null;
        }
        quickJs.free(value);
        return describeAndFree(thrown);
    }

    /** The prelude's description of a thrown value (name, message, the user's stack lines); frees it. */
    private String describeAndFree(int thrown) {
        Memory memory = instance.memory();
        memory.writeI32(arguments, thrown);
        int text = quickJs.call(context, describe, 1, arguments);
        quickJs.free(context, thrown);
        int failed = quickJs.exception(context, text);
        if (failed != 0) {
            quickJs.free(text);
            quickJs.free(context, failed);
            return "uncaught exception (describing it threw too)";
        }
        try {
            return quickJs.string(context, text, quickJs.length(context, text));
        } finally {
            quickJs.free(context, text);
        }
    }

    private int evaluate(byte[] source, int flags) {
        int code = quickJs.cString(source);
        int name = quickJs.cString(FILE_NAME.getBytes(StandardCharsets.US_ASCII));
        try {
            return (int) quickJs.export("QTS_Eval").apply(context, code, source.length, name, 0, flags)[0];
        } finally {
            quickJs.free(code);
            quickJs.free(name);
        }
    }

    private static byte[] preludeSource() {
        try (InputStream in = JsEntry.class.getResourceAsStream("prelude.js")) {
            if (in == null) {
                throw new IllegalStateException("pulsar-wasm: the JavaScript prelude is missing from the engine jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
