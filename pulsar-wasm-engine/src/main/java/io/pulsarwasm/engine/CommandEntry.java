package io.pulsarwasm.engine;

import run.endive.runtime.Instance;

/**
 * The command entry: a WASI command (a module that exports {@code _start} and no {@code process},
 * as Go 1.23 builds) runs its {@code main} on a thread of its own, which loops on {@code
 * pulsar.next_input}: each call answers the previous message with a status and waits for the next
 * one. To the host it is a bytes entry point; every message still runs under the deadline, on the
 * host's side of the hand-off ({@link CommandChannel}), and an instance whose deadline passes has
 * its guest thread interrupted, which Endive turns into a trap there.
 *
 * <p>The guest thread lives exactly as long as the instance: it ends when {@code main} returns after
 * the host's close, or when the instance is discarded (interrupted, then awaited briefly).
 */
final class CommandEntry implements GuestEntry, AutoCloseable {

    /** The export a WASI command starts at. */
    static final String START = "_start";

    private static final String PROCESS = "the command's main (export '" + START + "')";
    private static final long STOP_WAIT_MILLIS = 2000;

    private final String moduleName;
    private final Instance instance;
    private final CommandChannel channel;
    private final WasiLink resources;
    private Thread thread;

    /**
     * @param resources the instance's WASI link, closed once the guest thread has ended; may be null
     */
    CommandEntry(String moduleName, Instance instance, CommandChannel channel, WasiLink resources) {
        this.moduleName = moduleName;
        this.instance = instance;
        this.channel = channel;
        this.resources = resources;
    }

    @Override
    public String processName() {
        return PROCESS;
    }

    @Override
    public void start(Calls calls) {
        calls.call(PROCESS + " until it asked for its first message", () -> {
            thread = new Thread(this::runMain, "pulsar-wasm-main-" + moduleName);
            thread.setDaemon(true);
            thread.start();
            channel.awaitFirstRequest();
            return 0;
        });
    }

    private void runMain() {
        Throwable failure = null;
        try {
            instance.initialize(false);
            instance.export(START).apply();
        } catch (Throwable e) { // whatever ends main is handed to the host's thread
            failure = e;
        } finally {
            channel.ended(failure);
        }
    }

    @Override
    public long process(long input) {
        throw new IllegalStateException("a WASI command has the bytes entry point only");
    }

    @Override
    public int process(byte[] input) {
        try {
            return channel.exchange(input);
        } catch (HostCallException e) {
            thread.interrupt(); // the deadline ended the host's wait: end the guest's work too
            throw e;
        }
    }

    /** Why the guest's runtime said it crashed, on stderr (Go prints it before it exits), for the message of a {@code main} that ended. */
    @Override
    public String diagnostics() {
        return resources == null ? "" : resources.crashLine();
    }

    @Override
    public GuestErrorException guestError(String moduleName, int status, String error) {
        return new GuestErrorException(moduleName, PROCESS + " answered", status, error);
    }

    @Override
    public void close(Calls calls) {
        calls.call(PROCESS + " returning after its last message", () -> {
            try {
                channel.close();
            } catch (HostCallException e) {
                thread.interrupt();
                throw e;
            }
            return 0;
        });
    }

    /** Ends the guest thread (interrupting it if it still runs), then releases the resources. */
    @Override
    public void close() throws Exception {
        try {
            if (thread != null && thread.isAlive()) {
                thread.interrupt();
                thread.join(STOP_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (resources != null) {
                resources.close();
            }
        }
    }

    /** @return whether the guest thread is alive (for tests: none may outlive its instance) */
    boolean guestThreadAlive() {
        return thread != null && thread.isAlive();
    }
}
