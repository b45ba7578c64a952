package io.pulsarwasm.engine;

/**
 * A guest broke the ABI during a host call: a pointer or length outside its memory, text that is
 * not UTF-8, an unknown log level. The message names the host call and what was wrong.
 */
class AbiViolationException extends HostCallException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the guest did wrong, starting with the host call's name
     */
    public AbiViolationException(String message) {
        super(message);
    }
}
