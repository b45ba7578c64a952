package io.pulsarwasm.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.Export;
import run.endive.wasm.types.ExternalType;
import run.endive.wasm.types.FunctionImport;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.Import;
import run.endive.wasm.types.MemoryLimits;

/**
 * Checks a parsed module against the ABI before anything runs: every import is a host function
 * with the right signature, {@code process} is one of the {@link EntryPoint}s, and the exports the
 * entry point and the imports rely on ({@code memory}, {@code alloc}) are there.
 */
final class ModuleShape {

    /** The import module of WASI preview 1. */
    static final String WASI_MODULE = "wasi_snapshot_preview1";

    private final String name;
    private final WasmModule module;
    private final Sandbox sandbox;
    private EntryPoint entryPoint;
    private boolean command;
    private boolean holdsResults;

    private ModuleShape(String name, WasmModule module, Sandbox sandbox) {
        this.name = name;
        this.module = module;
        this.sandbox = sandbox;
    }

    /** Checks the module and returns its shape; fails with a {@link WasmLoadException} naming the problem. */
    static ModuleShape check(String name, WasmModule module, Sandbox sandbox) {
        ModuleShape shape = new ModuleShape(name, module, sandbox);
        shape.check();
        return shape;
    }

    /** Initial pages of every memory but the first: what the first may not grow into. */
    int initialPagesBeyondFirstMemory() {
        return (int) (initialPages()
                - memories().limit(1).mapToLong(MemoryLimits::initialPages).sum());
    }

    private long initialPages() {
        return memories().mapToLong(MemoryLimits::initialPages).sum();
    }

    private Stream<MemoryLimits> memories() {
        return module.memorySection().stream()
                .flatMap(section -> IntStream.range(0, section.memoryCount())
                        .mapToObj(i -> section.getMemory(i).limits()));
    }

    boolean importsWasi() {
        return module.importSection().stream().anyMatch(i -> WASI_MODULE.equals(i.module()));
    }

    EntryPoint entryPoint() {
        return entryPoint;
    }

    /** @return whether the module is a WASI command run through the command entry ({@link CommandEntry}) */
    boolean command() {
        return command;
    }

    /** @return whether the module takes returned values through {@code take_result} rather than its {@code alloc} */
    boolean holdsResults() {
        return holdsResults;
    }

    /** Whether the module exports a function of this name (its signature already checked). */
    boolean exportsFunction(String exportName) {
        return export(exportName)
                .filter(e -> e.exportType() == ExternalType.FUNCTION)
                .isPresent();
    }

    private void check() {
        boolean importsHost = false;
        boolean needsAlloc = false;
        command = export(Abi.PROCESS).isEmpty() && importsHostFunction(HostImport.NEXT_INPUT);
        holdsResults = importsHostFunction(HostImport.TAKE_RESULT);
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imported = module.importSection().getImport(i);
            if (WASI_MODULE.equals(imported.module())) {
                checkWasiImport(imported);
                continue;
            }
            HostImport host = checkImport(imported);
            importsHost = true;
            needsAlloc |= host.returnsGuestData();
        }
        checkBudget();
        entryPoint = command ? checkCommand() : checkEntryPoint();
        optionalFunction(Abi.INIT, Abi.LIFECYCLE_TYPE);
        optionalFunction(Abi.CLOSE, Abi.LIFECYCLE_TYPE);
        optionalFunction(Abi.ABI_VERSION, Abi.ABI_VERSION_TYPE);
        if ((importsHost || entryPoint == EntryPoint.BYTES)
                && export(Abi.MEMORY)
                        .filter(e -> e.exportType() == ExternalType.MEMORY)
                        .isEmpty()) {
            throw fail((entryPoint == EntryPoint.BYTES ? "has the bytes entry point" : "imports host functions")
                    + " but does not export its memory as '" + Abi.MEMORY + "'");
        }
        if (needsAlloc && !holdsResults || entryPoint == EntryPoint.BYTES && !command) {
            requireFunction(Abi.ALLOC, Abi.ALLOC_TYPE);
        }
    }

    /** What instantiating the module takes at once (the counts were checked before decoding, by {@link ModuleSize}). */
    private void checkBudget() {
        Limits limits = sandbox.limits();
        for (int i = 0; i < module.typeSection().subTypeCount(); i++) {
            if (module.typeSection().getSubType(i).compType().funcType() == null) {
                throw fail("defines a struct or array type (type " + i + ", the GC proposal); the host does not run "
                        + "GC guests, since their objects would live on the JVM heap outside the guest's memory limit");
            }
        }
        long memoryCount = memories().count();
        int tableCount = module.tableSection().tableCount();
        long pages = initialPages();
        if (pages > limits.get(Limit.MAX_MEMORY_PAGES)) {
            throw fail("declares " + (memoryCount == 1 ? "a memory of " : memoryCount + " memories of ") + pages
                    + " initial pages" + (memoryCount == 1 ? "" : " together") + ", more than "
                    + limits.limitOf(Limit.MAX_MEMORY_PAGES));
        }
        if (memories().anyMatch(MemoryLimits::shared)) {
            throw fail(
                    "declares a shared memory; guests run single-threaded, so shared memories (threads) are not supported");
        }
        long elements = 0;
        for (int i = 0; i < tableCount; i++) {
            elements += module.tableSection().getTable(i).limits().min();
        }
        if (elements > limits.get(Limit.MAX_TABLE_ELEMENTS)) {
            throw fail("declares tables of " + elements + " initial elements together, more than "
                    + limits.limitOf(Limit.MAX_TABLE_ELEMENTS));
        }
    }

    private EntryPoint checkEntryPoint() {
        String expected =
                Arrays.stream(EntryPoint.values()).map(EntryPoint::describe).collect(Collectors.joining(" or "));
        Optional<Export> process = export(Abi.PROCESS);
        if (process.isEmpty() || process.get().exportType() != ExternalType.FUNCTION) {
            throw fail("has no function export '" + Abi.PROCESS + "'; expected " + expected);
        }
        FunctionType actual = functionType(process.get().index());
        EntryPoint entry = EntryPoint.of(actual);
        if (entry == null) {
            throw fail("export '" + Abi.PROCESS + "' has signature " + Abi.describe(actual) + "; expected " + expected);
        }
        return entry;
    }

    private boolean importsHostFunction(HostImport call) {
        return module.importSection().stream()
                .anyMatch(i -> Abi.IMPORT_MODULE.equals(i.module())
                        && call.importName().equals(i.name()));
    }

    /** A WASI command: {@code _start}, and {@code next_input} to receive messages; its entry is the bytes one. */
    private EntryPoint checkCommand() {
        requireFunction(CommandEntry.START, Abi.LIFECYCLE_TYPE);
        for (String export : List.of(Abi.INIT, Abi.CLOSE)) {
            if (export(export).isPresent()) {
                throw fail("is a WASI command (it imports '" + HostImport.NEXT_INPUT.qualifiedName()
                        + "' and exports '" + CommandEntry.START + "') but also exports '" + export
                        + "', which the host never calls: a command's main does its own start and end");
            }
        }
        return EntryPoint.BYTES;
    }

    private void checkWasiImport(Import imported) {
        if (!sandbox.wasi().enabled() && !command) {
            throw fail("imports '" + imported.module() + "." + imported.name() + "', but WASI is off; "
                    + "set user config " + WasiConfig.ENABLED + " to true to give the guest WASI");
        }
    }

    /** Returns the host import, or fails naming the import the host does not provide. */
    private HostImport checkImport(Import imported) {
        String qualified = imported.module() + "." + imported.name();
        if (imported.importType() != ExternalType.FUNCTION) {
            throw fail("imports " + imported.importType().name().toLowerCase(Locale.ROOT) + " '" + qualified
                    + "'; the host provides functions only, under module '" + Abi.IMPORT_MODULE + "'");
        }
        FunctionType type = module.typeSection().getType(((FunctionImport) imported).typeIndex());
        HostImport provided = Abi.IMPORT_MODULE.equals(imported.module()) ? HostImport.byName(imported.name()) : null;
        if (provided == null) {
            throw fail("imports function '" + qualified + "' " + Abi.describe(type)
                    + ", which the host does not provide (it provides functions of module '" + Abi.IMPORT_MODULE
                    + "': "
                    + Arrays.stream(HostImport.values())
                            .map(HostImport::importName)
                            .collect(Collectors.joining(", ")) + ")");
        }
        if (!provided.type().equals(type)) {
            throw fail("imports '" + qualified + "' with signature " + Abi.describe(type) + "; the host provides "
                    + Abi.describe(provided.type()));
        }
        return provided;
    }

    private void requireFunction(String exportName, FunctionType expected) {
        if (export(exportName).isEmpty()) {
            throw fail(
                    "has no export '" + exportName + "'; expected a function " + exportName + Abi.describe(expected));
        }
        optionalFunction(exportName, expected);
    }

    private void optionalFunction(String exportName, FunctionType expected) {
        Optional<Export> found = export(exportName);
        if (found.isEmpty()) {
            return;
        }
        if (found.get().exportType() != ExternalType.FUNCTION) {
            throw fail("exports '" + exportName + "' as a "
                    + found.get().exportType().name().toLowerCase(Locale.ROOT) + "; expected a function "
                    + Abi.describe(expected));
        }
        FunctionType actual = functionType(found.get().index());
        if (!actual.equals(expected)) {
            throw fail("export '" + exportName + "' has signature " + Abi.describe(actual) + "; expected "
                    + Abi.describe(expected));
        }
    }

    private Optional<Export> export(String exportName) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(exportName)) {
                return Optional.of(exports.getExport(i));
            }
        }
        return Optional.empty();
    }

    private FunctionType functionType(int functionIndex) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        if (functionIndex < imported) {
            var functionImport = (FunctionImport) module.importSection().stream()
                    .filter(i -> i.importType() == ExternalType.FUNCTION)
                    .skip(functionIndex)
                    .findFirst()
                    .orElseThrow();
            return module.typeSection().getType(functionImport.typeIndex());
        }
        return module.functionSection().getFunctionType(functionIndex - imported, module.typeSection());
    }

    private WasmLoadException fail(String problem) {
        return new WasmLoadException("wasm module '" + name + "' " + problem);
    }
}
