package io.pulsarwasm.engine;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How one kind of guest receives what a host call returns: a wasm module as values and data in its
 * memory ({@link WasmImports}), a JavaScript function as bridge fields ({@link JsBridge}). Data
 * larger than a host call may return ({@link Limit#MAX_HOST_DATA_BYTES}) is refused here.
 *
 * @param <R> what the guest's side of the call returns
 */
interface CallResults<R> {

    /** @return the result of a call that returns nothing */
    R none();

    /** @return text, or absent */
    R text(String call, Optional<String> value);

    /** @return bytes, or absent */
    R bytes(String call, Optional<byte[]> value);

    /** @return a string map */
    R map(String call, Map<String, String> value);

    /** @return a number */
    R number(long value);

    /** @return a number, or absent */
    R optionalNumber(OptionalLong value);
}
