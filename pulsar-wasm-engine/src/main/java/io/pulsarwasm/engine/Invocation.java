package io.pulsarwasm.engine;

import java.nio.charset.CharacterCodingException;
import java.util.concurrent.CompletableFuture;

/**
 * What one call of the bytes entry point produced: the output the guest set, and when the writes
 * it made on the way (publishes, state) are stored. A message is done — may be acknowledged — when
 * {@link #stored()} completes; when it fails, the message fails.
 *
 * @param output the output, or null when the guest set none (the message is filtered out)
 * @param stored completes with {@code output} when every write of the call is stored; fails, naming
 *     the host call, when one fails
 */
public record Invocation(byte[] output, CompletableFuture<byte[]> stored) {

    /**
     * The output as text.
     *
     * @param moduleName the module's name, for the error
     * @return the output decoded as UTF-8, or null when there is none
     * @throws WasmExecutionException if the output is not valid UTF-8
     */
    public String text(String moduleName) {
        if (output == null) {
            return null;
        }
        try {
            return Abi.strictUtf8(output);
        } catch (CharacterCodingException e) {
            throw new WasmExecutionException(
                    "wasm module '" + moduleName + "': the guest's output (" + output.length
                            + " bytes) is not valid UTF-8",
                    e);
        }
    }
}
