package io.pulsarwasm.engine;

/** A call into the guest ran past its wall-clock limit and was interrupted. */
public class WasmTimeoutException extends WasmExecutionException {

    private static final long serialVersionUID = 1L;

    WasmTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
