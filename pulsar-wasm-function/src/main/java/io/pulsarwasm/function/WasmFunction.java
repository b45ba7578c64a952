package io.pulsarwasm.function;

import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.loader.WasmInstance;
import org.apache.pulsar.functions.api.Context;

/**
 * PIP-331's function: a module exporting {@code process(i64) -> i64}, as a
 * {@code Function<Long, Long>}. {@code class Doubler extends WasmFunction {}} next to the resource
 * {@code my.pkg.Doubler.wasm} is a complete function; see {@link AbstractWasmFunction} for how the
 * module is found.
 */
public class WasmFunction extends AbstractWasmFunction<Long, Long> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmFunction() {
        super(EntryPoint.LONG);
    }

    @Override
    protected Long call(WasmInstance guest, Long input, Context context) {
        return guest.process(input, context);
    }
}
