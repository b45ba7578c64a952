package io.pulsarwasm.engine;

/**
 * A wasm module could not be loaded or instantiated: not found, not wasm, malformed, or not
 * shaped as the ABI requires. The message names the module and what was wrong with it.
 */
public class WasmLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the module
     */
    public WasmLoadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, naming the module
     * @param cause the underlying failure
     */
    public WasmLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
