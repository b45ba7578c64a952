package io.pulsarwasm.engine;

import java.util.function.LongSupplier;

/**
 * How the host enters one kind of guest: a module of the pulsar-wasm ABI through its exports
 * ({@link AbiEntry}), or a JavaScript function through the JavaScript engine ({@link JsEntry}).
 * {@link WasmInstance} runs every step under the deadline and turns its failures into errors.
 */
interface GuestEntry {

    /** Runs the steps of a guest's start and close, each under a deadline; {@code what} names it in errors. */
    interface Calls {
        /** Runs a step of the user's code (or one the user's code decides the length of) under {@code wasm.timeout-ms}. */
        long call(String what, LongSupplier step);

        /**
         * Runs a step of the host's own code inside the guest — the JavaScript engine's start and its
         * prelude, the same for every function — under {@link WasmInstance#ENGINE_START_TIMEOUT}
         * rather than the user's deadline: its length depends only on how busy the machine is and
         * how warm the JVM, never on the user's code.
         */
        long trusted(String what, LongSupplier step);
    }

    /** @return the guest's {@code process} as errors name it, e.g. {@code export 'process'} */
    String processName();

    /** Starts the guest, each step through {@code calls}; a failure fails the instance's creation. */
    void start(Calls calls);

    /** Runs the Long entry point; called under the deadline. */
    long process(long input);

    /** Runs the bytes entry point and returns its status (0 for success); called under the deadline. */
    int process(byte[] input);

    /** The failure of a call whose status was not 0, with the guest's error text (null if none). */
    default GuestErrorException guestError(String moduleName, int status, String error) {
        return new GuestErrorException(moduleName, status, error);
    }

    /** Ends the guest (its {@code close}, if it has one), each step through {@code calls}. */
    void close(Calls calls);

    /**
     * Whether the instance should be replaced after its current call although the call succeeded
     * (the JavaScript engine's memory is mostly used up).
     */
    default boolean worn() {
        return false;
    }

    /** What the guest wrote to its error stream lately, to add to a trap's message; empty for none. */
    default String diagnostics() {
        return "";
    }
}
