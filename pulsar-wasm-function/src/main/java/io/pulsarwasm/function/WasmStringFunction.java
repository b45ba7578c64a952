package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.Invocation;
import io.pulsarwasm.engine.WasmSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A module exporting the bytes entry point, as an asynchronous {@code Function<String, String>}:
 * the input is passed as UTF-8, and the guest's output must be valid UTF-8 or the message fails.
 * Completes as {@link WasmBytesFunction} does.
 */
public class WasmStringFunction extends AbstractWasmFunction<String, CompletableFuture<String>> {

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmStringFunction() {
        super(EntryPoint.BYTES);
    }

    @Override
    protected CompletableFuture<String> call(WasmSession session, String input) {
        Invocation invocation = session.process(input.getBytes(StandardCharsets.UTF_8));
        String output = invocation.text(session.moduleName());
        return invocation.stored().thenApply(ignored -> output);
    }
}
