package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.JsInput;
import io.pulsarwasm.engine.WasmSession;
import java.util.concurrent.CompletableFuture;

/**
 * A module exporting the bytes entry point {@code process(ptr i32, len i32) -> i32}, as an
 * asynchronous {@code Function<byte[], byte[]>}: the message value goes in unchanged, the guest's
 * {@code pulsar.set_output} comes out, and a guest that sets no output filters the message out.
 *
 * <p>The result is a future that completes once everything the guest published or wrote to state
 * for this message is stored, and fails if one of those writes fails: Pulsar acknowledges the
 * message only then, keeps outputs in input order, and retries or dead-letters a failed message.
 */
public class WasmBytesFunction extends AbstractWasmFunction<byte[], CompletableFuture<byte[]>> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmBytesFunction() {
        super(EntryPoint.BYTES);
    }

    /** A JavaScript function's process receives a {@code Uint8Array}. */
    @Override
    protected JsInput jsInput() {
        return JsInput.BYTES;
    }

    @Override
    protected CompletableFuture<byte[]> call(WasmSession session, byte[] input) {
        return session.process(input).stored();
    }
}
