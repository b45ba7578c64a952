package io.pulsarwasm.engine;

import java.util.Map;

/**
 * The arguments of one host call, however the guest passed them: pointers into a wasm module's
 * memory ({@link WasmImports}) or fields of the JavaScript bridge ({@link JsBridge}). Each is read
 * by its index in {@link HostImport#params()}, and checked as its {@link HostImport.Kind} says
 * before anything larger than a length is copied.
 */
interface CallArguments {

    /** @return an {@link HostImport.Kind#I32} argument */
    int i32(int at);

    /** @return an {@link HostImport.Kind#I64} argument */
    long i64(int at);

    /** @return an {@link HostImport.Kind#F64} argument */
    double f64(int at);

    /** @return a {@link HostImport.Kind#TEXT} argument, at most {@link Limit#MAX_KEY_BYTES} long */
    String text(int at);

    /** @return an {@link HostImport.Kind#OPTIONAL_TEXT} argument, or null when absent */
    String optionalText(int at);

    /** @return a {@link HostImport.Kind#LINE} argument, cut to the log line limit */
    ValueLimits.Line line(int at);

    /** @return the length in bytes of a {@link HostImport.Kind#BYTES} or {@link HostImport.Kind#MAP} argument (a map in its wire form), before it is read */
    long length(int at);

    /** @return a {@link HostImport.Kind#BYTES} argument */
    byte[] bytes(int at);

    /** @return a {@link HostImport.Kind#MAP} argument */
    Map<String, String> map(int at);
}
