package io.pulsarwasm.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * The JavaScript engine's way in (QuickJS, as quickjs4j's Javy plugin exports it): start the
 * runtime, evaluate the prelude and the user's module, then, per message, evaluate the one-line
 * dispatcher, which calls the user's {@code process} through the prelude.
 *
 * <p>The prelude and the dispatcher are compiled once per class loader, the user's module once per
 * loader, both by the first instance. Every evaluation leaves a little memory behind in QuickJS
 * (about 1 KiB: it keeps each evaluated module), so an instance reports itself {@link #worn()}
 * once three quarters of its memory budget is used, and is replaced.
 */
final class JsEntry implements GuestEntry {

    private static final byte[] DISPATCH_SOURCE = "__pulsar_dispatch();".getBytes(StandardCharsets.UTF_8);
    private static final Object PRELUDE_LOCK = new Object();
    /** The prelude's and the dispatcher's bytecode, compiled by the first instance in this class loader. */
    private static volatile byte[][] prelude;

    private final JsScript script;
    private final Instance instance;
    private final JsBridge bridge;
    private final JsStreams streams;
    private final HostCalls host;
    private final int wornPages;
    private final int maxPages;
    private ExportFunction realloc;
    private ExportFunction invoke;
    private final long[] dispatch = new long[5];

    JsEntry(
            JsScript script,
            Instance instance,
            JsBridge bridge,
            JsStreams streams,
            HostCalls host,
            GuestBudget budget) {
        this.script = script;
        this.instance = instance;
        this.bridge = bridge;
        this.streams = streams;
        this.host = host;
        this.maxPages = budget.firstMemoryPages();
        this.wornPages = budget.firstMemoryPages() - budget.firstMemoryPages() / 4;
    }

    @Override
    public String processName() {
        return "function process";
    }

    @Override
    public void start(Calls calls) {
        realloc = instance.export("cabi_realloc");
        invoke = instance.export("invoke");
        ExportFunction initialize = instance.export("initialize_runtime");
        calls.trusted("the JavaScript engine's start", () -> {
            initialize.apply();
            return 0;
        });
        byte[][] code = prelude;
        if (code == null) {
            synchronized (PRELUDE_LOCK) {
                if (prelude == null) {
                    byte[] preludeCode = compileTrusted(calls, preludeSource());
                    prelude = new byte[][] {preludeCode, compileTrusted(calls, DISPATCH_SOURCE)};
                }
                code = prelude;
            }
        }
        byte[] user = script.bytecode();
        if (user == null) {
            user = compileUser(calls);
            script.compiled(user);
        }
        byte[] preludeCode = code[0];
        calls.trusted("the prelude", () -> evaluate(preludeCode));
        byte[] userCode = user;
        calls.call("the top-level code of '" + script.name() + "'", () -> {
            evaluate(userCode);
            host.awaitWrites();
            return 0;
        });
        if (!bridge.registered()) {
            throw new WasmLoadException("JavaScript function '" + script.name()
                    + "' declares no function process: it must define process(input, ctx), e.g. "
                    + "export function process(input, ctx) { return input; }");
        }
        int at = write(code[1]);
        dispatch[0] = at;
        dispatch[1] = code[1].length;
    }

    @Override
    public long process(long input) {
        throw new IllegalStateException("a JavaScript function has no Long entry point");
    }

    @Override
    public int process(byte[] input) {
        bridge.begin(script.input(), input);
        try {
            invoke.apply(dispatch);
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
        boolean engineOutOfMemory = text.startsWith("InternalError: out of memory")
                || text.equals("uncaught null") && instance.memory().pages() >= wornPages;
        if (!engineOutOfMemory) {
            return "";
        }
        int pages = instance.memory().pages();
        return " (QuickJS ran out of memory: the engine's memory, " + pages + " pages now, is limited to " + maxPages
                + " pages by user config " + Limit.MAX_MEMORY_PAGES.key()
                + (pages >= wornPages ? "; the instance is replaced, its memory mostly used)" : ")");
    }

    @Override
    public void close(Calls calls) {
        // a JavaScript function has no close hook: its instance is only released
    }

    @Override
    public boolean worn() {
        return instance.memory().pages() >= wornPages;
    }

    @Override
    public String diagnostics() {
        String errors = streams.takeErrors();
        return errors.isEmpty() ? "" : "; the JavaScript engine said: " + script.named(errors);
    }

    /** Compiles the user's module; a syntax error fails the load, naming file, line and column. */
    private byte[] compileUser(Calls calls) {
        ExportFunction compile = instance.export("compile-src");
        int[] result = new int[3];
        calls.call("compiling '" + script.name() + "'", () -> {
            int source = write(script.source());
            int at = (int) compile.apply(source, script.source().length)[0];
            Memory memory = instance.memory();
            result[0] = memory.readInt(at);
            result[1] = memory.readInt(at + 4);
            result[2] = memory.readInt(at + 8);
            return 0;
        });
        byte[] out = instance.memory().readBytes(result[1], result[2]);
        if (result[0] != 0) {
            throw new WasmLoadException("JavaScript function '" + script.name() + "' does not compile: "
                    + script.named(new String(out, StandardCharsets.UTF_8).strip()));
        }
        return out;
    }

    /**
     * Compiles the host's own code (which compiles, or the engine traps) with the repeatable
     * {@code compileSrc}, under the engine's start-up deadline rather than the user's.
     */
    private byte[] compileTrusted(Calls calls, byte[] source) {
        ExportFunction compile = instance.export("compileSrc");
        int[] result = new int[2];
        calls.trusted("compiling the prelude", () -> {
            int at = (int) compile.apply(write(source), source.length)[0];
            result[0] = instance.memory().readInt(at);
            result[1] = instance.memory().readInt(at + 4);
            return 0;
        });
        return instance.memory().readBytes(result[0], result[1]);
    }

    private long evaluate(byte[] bytecode) {
        invoke.apply(write(bytecode), bytecode.length, 0, 0, 0);
        return 0;
    }

    private int write(byte[] data) {
        int at = (int) realloc.apply(0, 0, 1, data.length)[0];
        instance.memory().write(at, data);
        return at;
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
