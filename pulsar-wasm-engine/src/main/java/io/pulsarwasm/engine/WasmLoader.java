package io.pulsarwasm.engine;

import io.pulsarwasm.engine.internal.quickjs.QuickJsModule;
import io.pulsarwasm.host.Host;
import java.net.URL;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import run.endive.runtime.ImportMemory;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.runtime.Memory;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.MemoryImport;
import run.endive.wasm.types.MemoryLimits;

/**
 * Loads a wasm module once — reads, parses and checks it against the ABI and the sandbox — and
 * makes guest instances of it linked to the host functions under import module {@code pulsar}.
 *
 * <p>A loader is safe to share between threads; the {@link WasmInstance}s it makes are not.
 * Closing the loader closes every instance it made that is still open, and releases its compiled
 * code.
 *
 * <pre>{@code
 * try (WasmLoader loader = WasmLoader.fromResource("my.pkg.Doubler.wasm");
 *      WasmInstance doubler = loader.newInstance()) {
 *     assertEquals(42L, doubler.process(21L));
 * }
 * }</pre>
 *
 * <p>Over 300 lines because it is the engine's one front door: every way to name a module (file,
 * URL, bytes, resource, location) and both kinds of guest (a module, a JavaScript function) start
 * here, and each is a few lines over the same load.
 */
public final class WasmLoader implements AutoCloseable {

    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};

    private final String name;
    private final WasmModule module;
    private final ModuleShape shape;
    private final Sandbox sandbox;
    private final ExecutionMode executionMode;
    private final Function<Instance, Machine> machineFactory;
    private final String executionWarning;
    private final MachineFactories.Compiled compiled;
    private final Set<WasmInstance> open = ConcurrentHashMap.newKeySet();
    private final DistinctNames metricNames;
    private final DistinctNames topics;
    private final JsScript script;
    private boolean closed;
    /** SHA-256 of the module's bytes (a JavaScript function's source), hex; null for a build-time compiled module. */
    private String sha256;

    private WasmLoader(
            String name,
            WasmModule module,
            ModuleShape shape,
            Sandbox sandbox,
            ExecutionMode executionMode,
            Function<Instance, Machine> machineFactory,
            String executionWarning,
            MachineFactories.Compiled compiled) {
        this(name, module, shape, sandbox, executionMode, machineFactory, executionWarning, compiled, null);
    }

    private WasmLoader(
            String name,
            WasmModule module,
            ModuleShape shape,
            Sandbox sandbox,
            ExecutionMode executionMode,
            Function<Instance, Machine> machineFactory,
            String executionWarning,
            MachineFactories.Compiled compiled,
            JsScript script) {
        this.script = script;
        this.name = name;
        this.module = module;
        this.shape = shape;
        this.sandbox = sandbox;
        this.executionMode = executionMode;
        this.machineFactory = machineFactory;
        this.executionWarning = executionWarning;
        this.compiled = compiled;
        this.metricNames = new DistinctNames(sandbox.limits().intValue(Limit.MAX_METRIC_NAMES));
        this.topics = new DistinctNames(sandbox.limits().intValue(Limit.MAX_PUBLISH_TOPICS));
    }

    /**
     * Loads the module a configuration names, in the mode it chooses: what a function instance
     * does at {@code initialize}.
     *
     * @param config the parsed {@code wasm.*} user config
     * @param classLoader where {@code classpath:} modules and AOT classes are looked up
     * @param defaultModule the module location when {@value WasmConfig#MODULE} is unset
     * @param defaultAotClass the AOT class when {@value ExecutionMode#AOT_CLASS_KEY} is unset
     * @return the loaded module
     * @throws WasmLoadException if the module cannot be loaded
     */
    public static WasmLoader fromConfig(
            WasmConfig config, ClassLoader classLoader, String defaultModule, String defaultAotClass) {
        String location = config.module().orElse(defaultModule);
        if (JsScript.isScript(location)) {
            return fromLocation(location, classLoader, config.sandbox());
        }
        if (config.execution() == ExecutionMode.AOT) {
            return fromAot(config.aotClass().orElse(defaultAotClass), classLoader, config.sandbox());
        }
        return fromLocation(config.module().orElse(defaultModule), classLoader, config.sandbox())
                .withExecution(config.execution());
    }

    /**
     * Loads the module of a class generated at build time by {@code endive-compiler-maven-plugin}
     * (its static {@code load()} and {@code create(Instance)}), to run as compiled bytecode with no
     * start-up compilation.
     *
     * @param className the generated class
     * @param classLoader where to find it
     * @param sandbox the limits and WASI settings instances get
     * @return the loaded module, in {@link ExecutionMode#AOT}
     * @throws WasmLoadException if the class is missing, is not such a class, or its module breaks the ABI
     */
    public static WasmLoader fromAot(String className, ClassLoader classLoader, Sandbox sandbox) {
        MachineFactories.Aot aot = MachineFactories.aot(className, classLoader);
        return new WasmLoader(
                className,
                aot.module(),
                ModuleShape.check(className, aot.module(), sandbox),
                sandbox,
                ExecutionMode.AOT,
                aot.factory(),
                null,
                null);
    }

    /**
     * The same module, run in another mode: {@link ExecutionMode#COMPILER} compiles it to JVM
     * bytecode once per JVM, {@link ExecutionMode#INTERPRETER} interprets it. Loaders start in the
     * interpreter.
     *
     * @param mode interpreter or compiler ({@link #fromAot} for build-time compiled modules)
     * @return a loader for the same module in that mode
     */
    public WasmLoader withExecution(ExecutionMode mode) {
        if (script != null) {
            return this; // the JavaScript engine is compiled ahead of time, whatever the mode
        }
        WasmLoader loader = switch (mode) {
            case INTERPRETER -> new WasmLoader(name, module, shape, sandbox, mode, null, null, null);
            case COMPILER -> {
                MachineFactories.Compiled code = MachineFactories.acquire(name, module);
                yield new WasmLoader(name, code.module(), shape, sandbox, mode, code.factory(), code.warning(), code);
            }
            case AOT -> throw new IllegalArgumentException("AOT modules are loaded with WasmLoader.fromAot");
        };
        loader.sha256 = sha256;
        return loader;
    }

    /**
     * The SHA-256 of what was loaded: the module's bytes, or a JavaScript function's source; what a
     * failure report names the module by, so that an operator can tell which build failed.
     *
     * @return the digest in lower-case hex; empty for a module compiled at build time ({@link #fromAot}), which has no bytes at run time
     */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** @return how this loader's instances run guest code */
    public ExecutionMode executionMode() {
        return executionMode;
    }

    /** @return a warning to log when the compiler left part of the module to the interpreter */
    public Optional<String> executionWarning() {
        return Optional.ofNullable(executionWarning);
    }

    /**
     * Loads a module bundled as a resource, looked up with this class's class loader.
     *
     * @param resource resource name, e.g. {@code my.pkg.Doubler.wasm}
     * @return the loaded module
     * @throws WasmLoadException if the resource is missing, not wasm, or not shaped as the ABI requires
     */
    public static WasmLoader fromResource(String resource) {
        return fromResource(WasmLoader.class.getClassLoader(), resource);
    }

    /**
     * Loads a module bundled as a resource of the given class loader (for example, a NAR's).
     *
     * @param classLoader where to look the resource up
     * @param resource resource name, e.g. {@code my.pkg.Doubler.wasm}
     * @return the loaded module
     * @throws WasmLoadException if the resource is missing, not wasm, or not shaped as the ABI requires
     */
    public static WasmLoader fromResource(ClassLoader classLoader, String resource) {
        return fromBytes(resource, ModuleSource.readResource(classLoader, resource, Limits.DEFAULTS));
    }

    /**
     * Loads a module from a file.
     *
     * @param path the {@code .wasm} file
     * @return the loaded module
     * @throws WasmLoadException if the file is missing, not wasm, or not shaped as the ABI requires
     */
    public static WasmLoader fromFile(Path path) {
        return fromBytes(path.getFileName().toString(), ModuleSource.readFile(path, Limits.DEFAULTS));
    }

    /**
     * Loads a module from a URL.
     *
     * @param url where to read the module
     * @return the loaded module
     * @throws WasmLoadException if it cannot be read, is not wasm, or is not shaped as the ABI requires
     */
    public static WasmLoader fromUrl(URL url) {
        return fromBytes(ModuleSource.nameOf(url.getPath()), ModuleSource.readUrl(url, Limits.DEFAULTS));
    }

    /**
     * Loads a module from a location as the {@code wasm.module} user config key takes it:
     * {@code classpath:<resource>}, {@code file:///<absolute path>}, a plain absolute path, or any
     * other URL.
     *
     * @param location the location
     * @param classLoader the class loader {@code classpath:} locations are resolved with
     * @return the loaded module
     * @throws WasmLoadException if the location is unsupported or the module cannot be loaded
     */
    public static WasmLoader fromLocation(String location, ClassLoader classLoader) {
        return fromLocation(location, classLoader, Sandbox.DEFAULT);
    }

    /**
     * Loads a module from a location as the {@code wasm.module} user config key takes it, to run
     * inside the given sandbox.
     *
     * @param location the location
     * @param classLoader the class loader {@code classpath:} locations are resolved with
     * @param sandbox the limits and WASI settings instances get
     * @return the loaded module
     * @throws WasmLoadException if the location is unsupported or the module cannot be loaded
     */
    public static WasmLoader fromLocation(String location, ClassLoader classLoader, Sandbox sandbox) {
        if (JsScript.isScript(location)) {
            return fromJavaScript(
                    ModuleSource.nameOf(location), ModuleSource.read(location, classLoader, sandbox.limits()), sandbox);
        }
        return fromBytes(
                ModuleSource.nameOf(location), ModuleSource.read(location, classLoader, sandbox.limits()), sandbox);
    }

    /**
     * Loads a module from its bytes.
     *
     * @param name the name errors and log lines use for the module
     * @param bytes the module in the wasm binary format
     * @return the loaded module
     * @throws WasmLoadException if the bytes are not wasm or not shaped as the ABI requires
     */
    public static WasmLoader fromBytes(String name, byte[] bytes) {
        return fromBytes(name, bytes, Sandbox.DEFAULT);
    }

    /**
     * Loads a module from its bytes, to run inside the given sandbox.
     *
     * @param name the name errors and log lines use for the module
     * @param bytes the module in the wasm binary format
     * @param sandbox the limits and WASI settings instances get
     * @return the loaded module
     * @throws WasmLoadException if the bytes are not wasm or not shaped as the ABI and sandbox require
     */
    public static WasmLoader fromBytes(String name, byte[] bytes, Sandbox sandbox) {
        checkHeader(name, bytes);
        WasmModule module;
        try {
            ModuleSize.check(name, bytes, sandbox.limits());
            module = Parser.parse(bytes);
        } catch (WasmLoadException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Endive reports most malformations as WasmEngineException, some as other runtime errors;
            // a corrupt length can make it try a huge allocation. All mean the same: not a valid module.
            throw new WasmLoadException(
                    "wasm module '" + name + "' is malformed: "
                            + (e instanceof WasmEngineException ? e.getMessage() : e.toString()),
                    e);
        }
        WasmLoader loader = new WasmLoader(
                name,
                module,
                ModuleShape.check(name, module, sandbox),
                sandbox,
                ExecutionMode.INTERPRETER,
                null,
                null,
                null);
        loader.sha256 = sha256(bytes);
        return loader;
    }

    /**
     * Loads a JavaScript function: an ES module that defines {@code process(input, ctx)}, run by
     * QuickJS compiled to wasm and then to JVM bytecode, inside the given sandbox (the same memory
     * budget and deadline as a wasm module; no WASI). Its source is compiled by the first instance,
     * so a syntax error fails that instance's creation, naming file, line and column.
     *
     * @param name the file name errors and stack traces show, e.g. {@code shout.js}
     * @param source the module's text, UTF-8
     * @param sandbox the limits instances get
     * @return the loaded function, its {@code process} receiving text ({@link #withJsInput})
     * @throws WasmLoadException if the source is not UTF-8
     */
    public static WasmLoader fromJavaScript(String name, byte[] source, Sandbox sandbox) {
        try {
            Abi.strictUtf8(source);
        } catch (CharacterCodingException e) {
            throw new WasmLoadException("JavaScript function '" + name + "' is not UTF-8 text");
        }
        WasmModule engine = QuickJsModule.load();
        WasmLoader loader = new WasmLoader(
                name,
                engine,
                null,
                sandbox,
                ExecutionMode.AOT,
                QuickJsModule::create,
                null,
                null,
                JsScript.of(name, source));
        loader.sha256 = sha256(source);
        return loader;
    }

    /**
     * For a JavaScript function, the same function with its {@code process} receiving input in
     * the given form; a wasm module is returned unchanged.
     *
     * @param input how {@code process(input, ctx)} sees the message
     * @return a loader sharing this one's compiled code
     */
    public WasmLoader withJsInput(JsInput input) {
        if (script == null) {
            return this;
        }
        WasmLoader loader = new WasmLoader(
                name, module, null, sandbox, executionMode, machineFactory, null, null, script.withInput(input));
        loader.sha256 = sha256;
        return loader;
    }

    /** @return whether this loader runs a JavaScript function rather than a wasm module */
    public boolean isJavaScript() {
        return script != null;
    }

    /**
     * Whether the guest's memory grows by copying it into a larger array, so that while it grows
     * the heap holds it nearly twice: a JavaScript function's always, a module's where its limit
     * ({@code wasm.max-memory-pages}) is at most 256 pages, 16 MiB. Such a memory is one array, each
     * access one bounds check; a larger module's is in pages that growing never copies.
     *
     * @return whether growing the guest's memory copies it
     */
    public boolean memoryGrowthCopies() {
        return isJavaScript() || GuestBudget.growthCopies(sandbox.limits().get(Limit.MAX_MEMORY_PAGES));
    }

    private static void checkHeader(String name, byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= bytes.length || bytes[i] != MAGIC[i]) {
                int shown = Math.min(bytes.length, MAGIC.length);
                throw new WasmLoadException("wasm module '" + name
                        + "' is not a WebAssembly module: it starts with bytes ["
                        + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown)
                        + "], expected the magic number [00 61 73 6d]");
            }
        }
    }

    /**
     * The module's name as errors and log lines show it.
     *
     * @return the resource or file name the module was loaded from
     */
    public String name() {
        return name;
    }

    /**
     * Which {@code process} the module exports.
     *
     * @return the entry point
     */
    public EntryPoint entryPoint() {
        return script != null ? EntryPoint.BYTES : shape.entryPoint();
    }

    /**
     * The sandbox instances of this module run in.
     *
     * @return limits and WASI settings
     */
    public Sandbox sandbox() {
        return sandbox;
    }

    /**
     * The parsed module; loaders of one module in {@link ExecutionMode#COMPILER} share one, with its
     * compiled code.
     *
     * @return the Endive module
     */
    public WasmModule module() {
        return module;
    }

    /**
     * Makes a guest instance with no host behind it (for tests of a bare module): log lines go to
     * the SLF4J logger {@code io.pulsarwasm.guest.<module>}, config, secrets and record fields are
     * absent, and state and publishing fail.
     *
     * @return a new instance; its start function, and {@code init} if it exports one, have run
     * @throws WasmLoadException if instantiation or the guest's {@code init} fails
     */
    public WasmInstance newInstance() {
        return newInstance(new NoHost(name));
    }

    /**
     * Makes a guest instance whose host calls go to the given host.
     *
     * @param host the guest's world
     * @return a new instance; its start function, and {@code init} if it exports one, have run under
     *     the deadline
     * @throws WasmLoadException if instantiation, the start function or the guest's {@code init} fails
     */
    public WasmInstance newInstance(Host host) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("wasm module '" + name + "': the loader is closed");
            }
        }
        HostCalls calls = new HostCalls(name, sandbox.limits(), host, metricNames, topics);
        if (script != null) {
            return start(newScriptInstance(calls));
        }
        GuestBudget budget = new GuestBudget(shape, sandbox.limits());
        WasiLink wasi = shape.importsWasi() ? WasiLink.create(sandbox.wasi(), sandbox.limits(), calls) : null;
        CommandChannel channel = shape.command() ? new CommandChannel(name) : null;
        Instance instance;
        try {
            ImportValues.Builder imports = ImportValues.builder()
                    .addFunction(new WasmImports(calls, channel, shape.holdsResults()).functions());
            if (wasi != null) {
                imports.addFunction(wasi.functions());
            }
            Instance.Builder builder = Instance.builder(module)
                    .withImportValues(imports.build())
                    .withInitialize(false)
                    .withMemoryFactory(budget.memoryFactory())
                    .withTableFactory(budget.tableFactory());
            if (machineFactory != null) {
                builder.withMachineFactory(machineFactory);
            }
            instance = builder.build();
        } catch (RuntimeException | OutOfMemoryError e) {
            if (wasi != null) {
                wasi.close();
            }
            throw new WasmLoadException(
                    "wasm module '" + name + "' cannot be instantiated: "
                            + (e instanceof WasmEngineException ? e.getMessage() : e.toString()),
                    e);
        }
        if (channel != null) {
            CommandEntry command = new CommandEntry(name, instance, channel, wasi);
            return start(new WasmInstance(
                    name, instance, calls, EntryPoint.BYTES, command, sandbox.limits(), budget, command, open::remove));
        }
        return start(new WasmInstance(
                name,
                instance,
                calls,
                shape.entryPoint(),
                new AbiEntry(name, instance, calls, shape),
                sandbox.limits(),
                budget,
                wasi,
                open::remove));
    }

    /**
     * The JavaScript engine, its memory made here within the budget, linked to the host functions
     * of its prelude and to a clock (no files, no environment, no WASI).
     */
    private WasmInstance newScriptInstance(HostCalls calls) {
        Limits limits = sandbox.limits();
        GuestBudget budget = new GuestBudget(limits);
        long maxStaged = Math.max(
                limits.get(Limit.MAX_OUTPUT_BYTES),
                Math.max(limits.get(Limit.MAX_WRITE_BYTES_PER_CALL), limits.get(Limit.MAX_STATE_VALUE_BYTES)));
        JsStreams streams = new JsStreams(maxStaged);
        JsBridge bridge = new JsBridge(calls, streams, maxStaged);
        JsNatives natives = new JsNatives(bridge, streams, maxStaged);
        int maxPages = budget.firstMemoryPages();
        Instance instance;
        try {
            MemoryImport declared = module.importSection().stream()
                    .filter(MemoryImport.class::isInstance)
                    .map(MemoryImport.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the JavaScript engine imports no memory"));
            int initial = declared.limits().initialPages();
            if (initial > maxPages) {
                throw new WasmLoadException("JavaScript function '" + name + "': the JavaScript engine needs "
                        + Limit.MAX_MEMORY_PAGES.describe(initial)
                        + " of memory to start (its stack and data); user config "
                        + Limit.MAX_MEMORY_PAGES.key() + " allows " + limits.describe(Limit.MAX_MEMORY_PAGES));
            }
            Memory memory = new FlatMemory(new MemoryLimits(initial, maxPages));
            instance = Instance.builder(module)
                    .withMachineFactory(machineFactory)
                    .withImportValues(ImportValues.builder()
                            .addMemory(new ImportMemory(declared.module(), declared.name(), memory))
                            .addFunction(new QuickJsImports(natives, streams.errors(), maxPages).functions(module))
                            .build())
                    .withTableFactory(budget.tableFactory())
                    .build();
        } catch (RuntimeException | OutOfMemoryError e) {
            if (e instanceof WasmLoadException load) {
                throw load;
            }
            throw new WasmLoadException(
                    "JavaScript function '" + name + "': the JavaScript engine cannot be instantiated: "
                            + (e instanceof WasmEngineException ? e.getMessage() : e.toString()),
                    e);
        }
        return new WasmInstance(
                name,
                instance,
                calls,
                EntryPoint.BYTES,
                new JsEntry(script, instance, bridge, natives, streams, calls, budget),
                limits,
                budget,
                null,
                open::remove);
    }

    private WasmInstance start(WasmInstance guest) {
        open.add(guest);
        try {
            guest.start();
        } catch (WasmExecutionException e) {
            guest.discard();
            throw new WasmLoadException(e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            guest.discard();
            throw e;
        }
        return guest;
    }

    /** Closes every instance this loader made that is still open, and releases its compiled code. */
    @Override
    public void close() {
        for (WasmInstance instance : Set.copyOf(open)) {
            instance.close();
        }
        synchronized (this) {
            if (!closed && compiled != null) {
                compiled.release();
            }
            closed = true;
        }
    }
}
