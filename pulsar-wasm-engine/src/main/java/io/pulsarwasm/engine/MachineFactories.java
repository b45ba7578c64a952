package io.pulsarwasm.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmModule;

/**
 * Where guest code comes from for each {@link ExecutionMode}. Runtime compilation happens once per
 * module per JVM: the factory is cached by the module's digest and shared by every loader of that
 * module, since compiling per instance would cost milliseconds each. Loaders release what they
 * acquire, and the last release evicts the entry, so that a long-lived JVM (a worker's thread
 * runtime) keeps no compiled code of a function that is gone.
 *
 * <p>Where the engine's classes are shared by many functions (a worker's built-in function, one
 * class loader for all its instances), this cache is the worker's: a module is compiled once per
 * worker JVM. A compile holds only its own module's slot, so a large module of one function does
 * not hold up the start of another function with another module; loaders of the same module wait
 * for the one compile.
 */
final class MachineFactories {

    private static final Map<String, Slot> SLOTS = new HashMap<>();

    /** One module's place in the cache: who holds it, and its compiled form once there is one. */
    private static final class Slot {
        private final String digest;
        /** Guarded by {@link #SLOTS}. */
        private int users;
        /** Guarded by this slot. */
        private Compiled compiled;

        private Slot(String digest) {
            this.digest = digest;
        }

        void release() {
            synchronized (SLOTS) {
                if (--users == 0) {
                    SLOTS.remove(digest, this);
                }
            }
        }
    }

    /**
     * A machine factory with the module object it was compiled from (Endive accepts instances of
     * exactly that object), and the warning to log when part of it fell back to the interpreter.
     */
    static final class Compiled {
        private final Slot slot;
        private final WasmModule module;
        private final Function<Instance, Machine> factory;
        private final String warning;

        private Compiled(Slot slot, WasmModule module, Function<Instance, Machine> factory, String warning) {
            this.slot = slot;
            this.module = module;
            this.factory = factory;
            this.warning = warning;
        }

        WasmModule module() {
            return module;
        }

        Function<Instance, Machine> factory() {
            return factory;
        }

        String warning() {
            return warning;
        }

        /** Gives the entry back; the last user's release evicts it from the cache. */
        void release() {
            slot.release();
        }
    }

    private MachineFactories() {}

    /** The compiled form of a module, compiled now unless another loader holds it; {@link Compiled#release()} it. */
    static Compiled acquire(String name, WasmModule module) {
        Slot slot;
        synchronized (SLOTS) {
            slot = SLOTS.computeIfAbsent(module.digest(), Slot::new);
            slot.users++;
        }
        try {
            synchronized (slot) {
                if (slot.compiled == null) {
                    slot.compiled = compile(name, slot, module);
                }
                return slot.compiled;
            }
        } catch (RuntimeException | Error e) {
            slot.release();
            throw e;
        }
    }

    /** @return how many modules are compiled (or being compiled) and held by some loader */
    static int cached() {
        synchronized (SLOTS) {
            return SLOTS.size();
        }
    }

    private static Compiled compile(String name, Slot slot, WasmModule module) {
        // the compiler hands its classes over only where the JVM leaves huge methods uncompiled
        HugeMethods sizes = HugeMethods.jvmSkipsHugeMethods() ? new HugeMethods() : null;
        Function<Instance, Machine> factory;
        String fallback = null;
        try {
            factory = builder(module, InterpreterFallback.FAIL, sizes).compile();
        } catch (RuntimeException tooLarge) {
            // Functions too large for a JVM method run in the interpreter; the rest stays compiled.
            factory = builder(module, InterpreterFallback.SILENT, sizes).compile();
            fallback = "wasm module '" + name + "': some functions are too large for the compiler and run in the "
                    + "interpreter (" + tooLarge.getMessage() + ")";
        }
        String huge = sizes == null ? null : sizes.warningOrNull(name, module);
        String warning = fallback == null ? huge : huge == null ? fallback : fallback + "; " + huge;
        return new Compiled(slot, module, factory, warning);
    }

    private static MachineFactoryCompiler.Builder builder(
            WasmModule module, InterpreterFallback fallback, HugeMethods sizes) {
        MachineFactoryCompiler.Builder builder =
                MachineFactoryCompiler.builder(module).withInterpreterFallback(fallback);
        return sizes == null ? builder : builder.withCache(sizes);
    }

    /** The module and machine factory of a class generated by endive-compiler-maven-plugin. */
    static Aot aot(String className, ClassLoader classLoader) {
        try {
            Class<?> generated = Class.forName(className, true, classLoader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            WasmModule module =
                    (WasmModule) lookup.findStatic(generated, "load", MethodType.methodType(WasmModule.class))
                            .invoke();
            MethodHandle create =
                    lookup.findStatic(generated, "create", MethodType.methodType(Machine.class, Instance.class));
            return new Aot(module, instance -> {
                try {
                    return (Machine) create.invoke(instance);
                } catch (Throwable e) {
                    throw new IllegalStateException("cannot create the AOT machine of " + className, e);
                }
            });
        } catch (ClassNotFoundException e) {
            throw new WasmLoadException(
                    "AOT class '" + className + "' not found: generate it with "
                            + "endive-compiler-maven-plugin (goal compile, name " + className + ") or set user config "
                            + ExecutionMode.AOT_CLASS_KEY,
                    e);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new WasmLoadException(
                    "class '" + className + "' is not an AOT module from endive-compiler-maven-plugin: "
                            + e.getMessage(),
                    e);
        } catch (Throwable e) {
            throw new WasmLoadException("AOT class '" + className + "' failed to load its module: " + e, e);
        }
    }

    record Aot(WasmModule module, Function<Instance, Machine> factory) {}
}
