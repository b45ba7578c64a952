package io.pulsarwasm.loader;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import io.pulsarwasm.abi.Abi;
import io.pulsarwasm.abi.HostCalls;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a parsed module against the ABI before anything runs: every import is a host function
 * with the right signature, the entry point exists with the right signature, and the exports the
 * imports rely on ({@code memory}, {@code alloc}) are there.
 */
final class ModuleShape {

    private final String name;
    private final WasmModule module;

    private ModuleShape(String name, WasmModule module) {
        this.name = name;
        this.module = module;
    }

    /** Checks the module and returns its shape; fails with a {@link WasmLoadException} naming the problem. */
    static ModuleShape check(String name, WasmModule module) {
        ModuleShape shape = new ModuleShape(name, module);
        shape.check();
        return shape;
    }

    /** Whether the module exports a function of this name (its signature already checked). */
    boolean exportsFunction(String exportName) {
        return export(exportName).filter(e -> e.exportType() == ExternalType.FUNCTION).isPresent();
    }

    private void check() {
        boolean importsHost = false;
        boolean needsAlloc = false;
        for (int i = 0; i < module.importSection().importCount(); i++) {
            String imported = checkImport(module.importSection().getImport(i));
            importsHost = true;
            needsAlloc |= HostCalls.needsAlloc(imported);
        }
        requireFunction(Abi.PROCESS, Abi.LONG_PROCESS_TYPE);
        optionalFunction(Abi.INIT, Abi.LIFECYCLE_TYPE);
        optionalFunction(Abi.CLOSE, Abi.LIFECYCLE_TYPE);
        if (importsHost && export(Abi.MEMORY).filter(e -> e.exportType() == ExternalType.MEMORY).isEmpty()) {
            throw fail("imports host functions but does not export its memory as '" + Abi.MEMORY + "'");
        }
        if (needsAlloc) {
            requireFunction(Abi.ALLOC, Abi.ALLOC_TYPE);
        }
    }

    /** Returns the host function's name, or fails naming the import the host does not provide. */
    private String checkImport(Import imported) {
        String qualified = imported.module() + "." + imported.name();
        if (imported.importType() != ExternalType.FUNCTION) {
            throw fail("imports " + imported.importType().name().toLowerCase(java.util.Locale.ROOT)
                    + " '" + qualified + "'; the host provides functions only (" + providedList() + ")");
        }
        FunctionType type = module.typeSection().getType(((FunctionImport) imported).typeIndex());
        FunctionType provided = Abi.IMPORT_MODULE.equals(imported.module())
                ? HostCalls.provided().get(imported.name())
                : null;
        if (provided == null) {
            throw fail("imports function '" + qualified + "' " + Abi.describe(type)
                    + ", which the host does not provide (it provides " + providedList() + ")");
        }
        if (!provided.equals(type)) {
            throw fail("imports '" + qualified + "' with signature " + Abi.describe(type)
                    + "; the host provides " + Abi.describe(provided));
        }
        return imported.name();
    }

    private void requireFunction(String export, FunctionType expected) {
        if (export(export).isEmpty()) {
            throw fail("has no export '" + export + "'; expected a function " + export + Abi.describe(expected));
        }
        optionalFunction(export, expected);
    }

    private void optionalFunction(String export, FunctionType expected) {
        Optional<Export> found = export(export);
        if (found.isEmpty()) {
            return;
        }
        if (found.get().exportType() != ExternalType.FUNCTION) {
            throw fail("exports '" + export + "' as a " + found.get().exportType().name().toLowerCase(java.util.Locale.ROOT)
                    + "; expected a function " + Abi.describe(expected));
        }
        FunctionType actual = functionType(found.get().index());
        if (!actual.equals(expected)) {
            throw fail("export '" + export + "' has signature " + Abi.describe(actual)
                    + "; expected " + Abi.describe(expected));
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

    private static String providedList() {
        return HostCalls.provided().entrySet().stream()
                .map(e -> Abi.IMPORT_MODULE + "." + e.getKey() + Abi.describe(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private WasmLoadException fail(String problem) {
        return new WasmLoadException("wasm module '" + name + "' " + problem);
    }
}
