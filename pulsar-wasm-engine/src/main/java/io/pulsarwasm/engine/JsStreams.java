package io.pulsarwasm.engine;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JavaScript engine's standard streams, which carry bytes across its bridge: the host stages
 * on stdin the bytes a host call returns, the guest stages on stdout the bytes it passes to the
 * next host call, and stderr (where the engine reports what aborts it) is kept for error messages.
 */
final class JsStreams {

    /** How much of stderr is kept for an error message. */
    private static final int KEPT_ERROR_BYTES = 4096;

    private final Staged stdin = new Staged();
    private final Bounded stdout;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    /** @param maxStagedBytes the most bytes the guest may stage for one host call */
    JsStreams(long maxStagedBytes) {
        this.stdout = new Bounded(maxStagedBytes);
    }

    InputStream stdin() {
        return stdin;
    }

    OutputStream stdout() {
        return stdout;
    }

    OutputStream stderr() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stderr.write(b, off, Math.max(0, Math.min(len, KEPT_ERROR_BYTES - stderr.size())));
            }
        };
    }

    /** Stages bytes for the guest to read; replaces what it left unread. */
    void stage(byte[] bytes) {
        stdin.stage(bytes);
    }

    /** @return the bytes the guest staged since the last take */
    byte[] takeStaged() {
        return stdout.take();
    }

    /** Drops what the guest staged and the host call did not take. */
    void dropStaged() {
        stdout.drop();
    }

    /** @return what the engine wrote to stderr since the last call (at most 4 KiB), and forgets it */
    String takeErrors() {
        String text = stderr.toString(StandardCharsets.UTF_8).strip();
        stderr.reset();
        return text;
    }

    private static final class Staged extends InputStream {
        private byte[] bytes = new byte[0];
        private int at;

        void stage(byte[] staged) {
            bytes = staged;
            at = 0;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public int available() {
            return bytes.length - at;
        }
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
