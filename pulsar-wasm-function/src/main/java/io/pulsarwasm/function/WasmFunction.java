package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.WasmSession;

/**
 * PIP-331's function: a module exporting {@code process(i64) -> i64}, as a
 * {@code Function<Long, Long>}. {@code class Doubler extends WasmFunction {}} next to the resource
 * {@code my.pkg.Doubler.wasm} is a complete function; see {@link AbstractWasmFunction} for how the
 * module is found. Synchronous: if the guest publishes or writes state, the call returns once
 * those writes are stored (within {@code wasm.timeout-ms}).
 */
public class WasmFunction extends AbstractWasmFunction<Long, Long> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmFunction() {
        super(EntryPoint.LONG);
    }

    @Override
    protected Long call(WasmSession session, Long input) {
        return session.process(input);
    }
}
