package io.pulsarwasm.function;

import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.loader.WasmInstance;
import org.apache.pulsar.functions.api.Context;

/**
 * A module exporting the bytes entry point {@code process(ptr i32, len i32) -> i32}, as a
 * {@code Function<byte[], byte[]>}: the message value goes in unchanged, the guest's
 * {@code pulsar.set_output} comes out, and a guest that sets no output filters the message out.
 */
public class WasmBytesFunction extends AbstractWasmFunction<byte[], byte[]> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmBytesFunction() {
        super(EntryPoint.BYTES);
    }

    @Override
    protected byte[] call(WasmInstance guest, byte[] input, Context context) {
        return guest.process(input, context);
    }
}
