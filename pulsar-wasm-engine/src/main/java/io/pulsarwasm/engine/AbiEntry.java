package io.pulsarwasm.engine;

import run.endive.runtime.ExportFunction;
import run.endive.runtime.Instance;

/**
 * The pulsar-wasm ABI's way in: the start function, {@code abi_version}, {@code init}, {@code
 * process} and {@code close} exports of a module.
 */
final class AbiEntry implements GuestEntry {

    private static final String PROCESS = "export '" + Abi.PROCESS + "'";

    private final String moduleName;
    private final Instance instance;
    private final HostCalls host;
    private final ModuleShape shape;
    private final GuestMemory memory;
    private ExportFunction process;
    // argument arrays reused on every call: the per-message path allocates nothing of its own here
    private final long[] longArgument = new long[1];
    private final long[] bytesArguments = new long[2];

    AbiEntry(String moduleName, Instance instance, HostCalls host, ModuleShape shape) {
        this.moduleName = moduleName;
        this.instance = instance;
        this.host = host;
        this.shape = shape;
        this.memory = new GuestMemory(instance);
    }

    @Override
    public String processName() {
        return PROCESS;
    }

    @Override
    public void start(Calls calls) {
        calls.call("the start function", () -> {
            instance.initialize(false);
            return 0;
        });
        process = instance.export(Abi.PROCESS);
        if (shape.exportsFunction(Abi.ABI_VERSION)) {
            ExportFunction abiVersion = instance.export(Abi.ABI_VERSION);
            int version = (int) calls.call(
                    "export '" + Abi.ABI_VERSION + "'", () -> abiVersion.apply()[0]);
            if (version != Abi.VERSION) {
                throw new WasmLoadException("wasm module '" + moduleName + "' was built for ABI version " + version
                        + "; this host implements version " + Abi.VERSION);
            }
        }
        exportWithWrites(calls, Abi.INIT);
    }

    @Override
    public long process(long input) {
        longArgument[0] = input;
        return process.apply(longArgument)[0];
    }

    @Override
    public int process(byte[] input) {
        bytesArguments[0] = memory.writeAllocated(Abi.PROCESS + " input", input);
        bytesArguments[1] = input.length;
        return (int) process.apply(bytesArguments)[0];
    }

    @Override
    public void close(Calls calls) {
        exportWithWrites(calls, Abi.CLOSE);
    }

    /** Calls an optional export, and waits, still under the deadline, until its writes are stored. */
    private void exportWithWrites(Calls calls, String name) {
        if (shape.exportsFunction(name)) {
            ExportFunction export = instance.export(name);
            calls.call("export '" + name + "'", () -> {
                export.apply();
                host.awaitWrites();
                return 0;
            });
        }
    }
}
