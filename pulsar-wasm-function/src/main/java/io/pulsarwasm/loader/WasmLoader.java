package io.pulsarwasm.loader;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.abi.HostCalls;
import io.pulsarwasm.sandbox.Sandbox;
import java.net.URL;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.functions.api.Context;

/**
 * Loads a wasm module once — reads, parses and checks it against the ABI — and makes guest
 * instances of it linked to the host functions under import module {@code pulsar}.
 *
 * <p>A loader is safe to share between threads; the {@link WasmInstance}s it makes are not.
 * Closing the loader closes every instance it made that is still open.
 *
 * <pre>{@code
 * try (WasmLoader loader = WasmLoader.fromResource("my.pkg.Doubler.wasm");
 *      WasmInstance doubler = loader.newInstance()) {
 *     assertEquals(42L, doubler.process(21L));
 * }
 * }</pre>
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
    private final Set<WasmInstance> open = ConcurrentHashMap.newKeySet();

    private WasmLoader(String name, WasmModule module, ModuleShape shape, Sandbox sandbox,
            ExecutionMode executionMode, Function<Instance, Machine> machineFactory, String executionWarning) {
        this.name = name;
        this.module = module;
        this.shape = shape;
        this.sandbox = sandbox;
        this.executionMode = executionMode;
        this.machineFactory = machineFactory;
        this.executionWarning = executionWarning;
    }

    /**
     * Loads the module of a class generated at build time by {@code chicory-compiler-maven-plugin}
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
        return new WasmLoader(className, aot.module(), ModuleShape.check(className, aot.module(), sandbox), sandbox,
                ExecutionMode.AOT, aot.factory(), null);
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
        return switch (mode) {
            case INTERPRETER -> new WasmLoader(name, module, shape, sandbox, mode, null, null);
            case COMPILER -> {
                MachineFactories.Compiled compiled = MachineFactories.compiled(name, module);
                yield new WasmLoader(name, compiled.module(), shape, sandbox, mode, compiled.factory(), compiled.warning());
            }
            case AOT -> throw new IllegalArgumentException("AOT modules are loaded with WasmLoader.fromAot");
        };
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
        return fromBytes(resource, ModuleSource.readResource(classLoader, resource));
    }

    /**
     * Loads a module from a file.
     *
     * @param path the {@code .wasm} file
     * @return the loaded module
     * @throws WasmLoadException if the file is missing, not wasm, or not shaped as the ABI requires
     */
    public static WasmLoader fromFile(Path path) {
        return fromBytes(path.getFileName().toString(), ModuleSource.readFile(path));
    }

    /**
     * Loads a module from a URL.
     *
     * @param url where to read the module
     * @return the loaded module
     * @throws WasmLoadException if it cannot be read, is not wasm, or is not shaped as the ABI requires
     */
    public static WasmLoader fromUrl(URL url) {
        return fromBytes(ModuleSource.nameOf(url.getPath()), ModuleSource.readUrl(url));
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
        return fromBytes(ModuleSource.nameOf(location), ModuleSource.read(location, classLoader), sandbox);
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
            module = Parser.parse(bytes);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Chicory reports most malformations as ChicoryException, some as other runtime errors;
            // a corrupt length can make it try a huge allocation. All mean the same: not a valid module.
            throw new WasmLoadException("wasm module '" + name + "' is malformed: "
                    + (e instanceof ChicoryException ? e.getMessage() : e.toString()), e);
        }
        return new WasmLoader(name, module, ModuleShape.check(name, module, sandbox), sandbox,
                ExecutionMode.INTERPRETER, null, null);
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
        return shape.entryPoint();
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
     * The parsed module.
     *
     * @return the Chicory module
     */
    public WasmModule module() {
        return module;
    }

    /**
     * Makes a guest instance with no Pulsar context bound (for tests without a broker).
     *
     * @return a new instance; {@code init} has run if the module exports it
     * @throws WasmLoadException if instantiation or the guest's {@code init} fails
     */
    public WasmInstance newInstance() {
        return newInstance(null);
    }

    /**
     * Makes a guest instance whose host calls act on the given context until a call binds another.
     *
     * @param context the Pulsar context for {@code init} and calls without their own, or null
     * @return a new instance; {@code init} has run if the module exports it
     * @throws WasmLoadException if instantiation or the guest's {@code init} fails
     */
    public WasmInstance newInstance(Context context) {
        HostCalls host = new HostCalls(name, sandbox.limits());
        host.bind(context);
        WasiLink wasi = shape.importsWasi() ? WasiLink.create(sandbox.wasi(), host) : null;
        Instance instance;
        try {
            ImportValues.Builder imports = ImportValues.builder().addFunction(host.functions().toArray(HostFunction[]::new));
            if (wasi != null) {
                imports.addFunction(wasi.functions());
            }
            Instance.Builder builder = Instance.builder(module).withImportValues(imports.build());
            if (module.memorySection().filter(m -> m.memoryCount() > 0).isPresent()) {
                builder.withMemoryLimits(shape.memoryLimits());
            }
            if (machineFactory != null) {
                builder.withMachineFactory(machineFactory);
            }
            instance = builder.build();
        } catch (ChicoryException e) {
            if (wasi != null) {
                wasi.close();
            }
            throw new WasmLoadException("wasm module '" + name + "' cannot be instantiated: " + e.getMessage(), e);
        }
        WasmInstance guest = new WasmInstance(name, instance, host, context, shape, sandbox.limits(), wasi, open::remove);
        open.add(guest);
        try {
            guest.init();
        } catch (WasmExecutionException e) {
            open.remove(guest);
            throw new WasmLoadException(e.getMessage(), e);
        } catch (WasmLoadException e) {
            open.remove(guest);
            throw e;
        }
        return guest;
    }

    /** Closes every instance this loader made that is still open. */
    @Override
    public void close() {
        for (WasmInstance instance : Set.copyOf(open)) {
            instance.close();
        }
    }
}
