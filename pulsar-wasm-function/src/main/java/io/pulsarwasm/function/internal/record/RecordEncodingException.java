package io.pulsarwasm.function.internal.record;

/**
 * A value that does not fit its schema: the message names where ({@code $.address.zip}) and what
 * was expected. Nothing of such a value is written.
 */
public final class RecordEncodingException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message where the value is wrong, and how
     */
    public RecordEncodingException(String message) {
        super(message);
    }
}
