package io.pulsarwasm.engine;

/**
 * A host call failed: the guest broke the ABI ({@link AbiViolationException}) or the Pulsar
 * operation behind the call failed (state store, publish). The message starts with the host
 * call's name, e.g. {@code pulsar.state_get: ...}.
 */
class HostCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, starting with the host call's name
     */
    public HostCallException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, starting with the host call's name
     * @param cause the underlying failure
     */
    public HostCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
