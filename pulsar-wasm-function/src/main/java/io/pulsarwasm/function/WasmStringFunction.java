package io.pulsarwasm.function;

import io.pulsarwasm.abi.Abi;
import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.loader.WasmExecutionException;
import io.pulsarwasm.loader.WasmInstance;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.apache.pulsar.functions.api.Context;

/**
 * A module exporting the bytes entry point, as a {@code Function<String, String>}: the input is
 * passed as UTF-8, and the guest's output must be valid UTF-8 or the message fails.
 */
public class WasmStringFunction extends AbstractWasmFunction<String, String> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmStringFunction() {
        super(EntryPoint.BYTES);
    }

    @Override
    protected String call(WasmInstance guest, String input, Context context) {
        byte[] output = guest.process(input.getBytes(StandardCharsets.UTF_8), context);
        if (output == null) {
            return null;
        }
        try {
            return Abi.strictUtf8(output);
        } catch (CharacterCodingException e) {
            throw new WasmExecutionException("WasmStringFunction: the guest's output (" + output.length
                    + " bytes) is not valid UTF-8", e);
        }
    }
}
