package io.pulsarwasm.engine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes that cross the JavaScript engine's bridge, beside its text: the host stages the bytes a
 * host call returns for the guest to take, and the guest stages the bytes it passes to the next
 * host call; what the engine writes to its standard streams (where it reports what aborts it) is
 * kept for error messages.
 */
final class JsStreams {

    /** How much of the engine's output is kept for an error message. */
    private static final int KEPT_ERROR_BYTES = 4096;

    private byte[] forGuest;
    private final Bounded fromGuest;
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    /** @param maxStagedBytes the most bytes the guest may stage for one host call */
    JsStreams(long maxStagedBytes) {
        this.fromGuest = new Bounded(maxStagedBytes);
    }

    /** @return where the engine's standard output and error go: the first 4 KiB since the last take are kept */
    OutputStream errors() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                errors.write(b, off, Math.max(0, Math.min(len, KEPT_ERROR_BYTES - errors.size())));
            }
        };
    }

    /** Stages bytes for the guest to take; replaces what it left untaken. */
    void stage(byte[] bytes) {
        forGuest = bytes;
    }

    /** @return the bytes staged for the guest, once (null if none are) */
    byte[] takeForGuest() {
        byte[] taken = forGuest;
        forGuest = null;
        return taken;
    }

    /** Adds bytes the guest stages for the next host call; past the bound, a trap naming it. */
    void fromGuest(byte[] bytes) {
        fromGuest.write(bytes, 0, bytes.length);
    }

    /** @return the bytes the guest staged since the last take */
    byte[] takeStaged() {
        return fromGuest.take();
    }

    /** Drops what the guest staged and the host call did not take. */
    void dropStaged() {
        fromGuest.drop();
    }

    /** @return what the engine wrote to its output since the last call (at most 4 KiB), and forgets it */
    String takeErrors() {
        String text = errors.toString(StandardCharsets.UTF_8).strip();
        errors.reset();
        return text;
    }

    /** stdout: what the guest stages, refused past the bound (a trap naming it, as for any limit). */
    private static final class Bounded extends OutputStream {
        private final long max;
        private byte[] buffer = new byte[256];
        private int size;

        Bounded(long max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + (long) len > max) {
                throw new AbiViolationException("a JavaScript function passed more than " + max
                        + " bytes to one host call (the largest output, state value or publish the limits allow)");
            }
            if (size + len > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max(size + len, buffer.length * 2L)));
            }
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }

        void drop() {
            size = 0;
            if (buffer.length > 65536) {
                buffer = new byte[256];
            }
        }

        byte[] take() {
            byte[] taken = Arrays.copyOf(buffer, size);
            size = 0;
            if (buffer.length > 65536) {
                buffer = new byte[256];
            }
            return taken;
        }
    }
}
