package io.pulsarwasm.engine;

import run.endive.wasi.WasiExitException;

/**
 * A WASI command's {@code main} ended while the host still needed it: it returned, called {@code
 * proc_exit}, or failed with a JVM error, before answering a message or before asking for its first.
 * The instance cannot go on, like after a trap.
 */
final class CommandEndedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandEndedException(Throwable failure, String when) {
        super(describe(failure) + " " + when, failure);
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "ended: its main returned";
        }
        int code = exitCode(failure);
        if (code >= 0) {
            return "ended: its main called proc_exit(" + code + ")";
        }
        return "ended: its main failed with " + failure;
    }

    /** @return the exit code of a {@code proc_exit}, 0 for a {@code main} that returned, -1 for any other end */
    static int exitCode(Throwable failure) {
        if (failure == null) {
            return 0;
        }
        return failure instanceof WasiExitException exit ? Math.max(0, exit.exitCode()) : -1;
    }
}
