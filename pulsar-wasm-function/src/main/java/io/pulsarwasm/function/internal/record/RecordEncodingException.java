package io.pulsarwasm.function.internal.record;

/**
 * A value that does not fit its schema: the message names where ({@code $.address.zip}) and what
 * was expected. Nothing of such a value is written.
 */
public final class RecordEncodingException extends RuntimeException {

    /** Messages quote guest values and library texts; a message longer than this is cut. */
    static final int MAX_MESSAGE = 1000;

    /**
     * Creates the exception.
     *
     * @param message where the value is wrong, and how (cut to {@value #MAX_MESSAGE} characters)
     */
    public RecordEncodingException(String message) {
        super(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message);
    }
}
