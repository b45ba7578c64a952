package io.pulsarwasm.engine;

/**
 * The guest's bytes entry point returned a non-zero status: the function itself reported a
 * failure, with the message it passed to {@code pulsar.set_error} if it did. For a JavaScript
 * function: its {@code process} threw, and the message is the exception's name, message and stack.
 */
public class GuestErrorException extends WasmExecutionException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String guestMessage;

    GuestErrorException(String moduleName, int status, String guestMessage) {
        this(moduleName, "export 'process' returned", status, guestMessage);
    }

    /** A failure the guest reported through {@code process} or, for a WASI command, {@code next_input}. */
    GuestErrorException(String moduleName, String how, int status, String guestMessage) {
        this(
                "wasm module '" + moduleName + "': " + how + " status " + status + ": "
                        + (guestMessage != null
                                ? guestMessage
                                : "(no message: the guest did not call pulsar.set_error)"),
                guestMessage,
                status);
    }

    /** A JavaScript function's failure: its process threw (status 1). */
    GuestErrorException(String message, String guestMessage) {
        this(message, guestMessage, 1);
    }

    private GuestErrorException(String message, String guestMessage, int status) {
        super(message, null);
        this.status = status;
        this.guestMessage = guestMessage;
    }

    /** @return the status the guest returned, never 0 */
    public int status() {
        return status;
    }

    /** @return the message the guest passed to {@code pulsar.set_error}, or null */
    public String guestMessage() {
        return guestMessage;
    }
}
