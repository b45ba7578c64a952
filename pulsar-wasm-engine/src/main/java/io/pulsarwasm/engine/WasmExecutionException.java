package io.pulsarwasm.engine;

/**
 * A call into a guest failed: the guest trapped, or broke the ABI in a host call. The message
 * names the module, the export being called and the reason.
 */
public class WasmExecutionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming module and export
     * @param cause the underlying failure
     */
    public WasmExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
