package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.Invocation;
import io.pulsarwasm.engine.JsInput;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmSession;
import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.function.internal.record.RecordConfig;
import io.pulsarwasm.function.internal.record.RecordEncodingException;
import io.pulsarwasm.function.internal.record.Records;
import io.pulsarwasm.host.Host;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;

/**
 * A module exporting the bytes entry point, run on topics with a schema: Avro, JSON, Protobuf
 * (PROTOBUF_NATIVE), a KeyValue of those, or a primitive type. The schema is the topic's, taken
 * per message (Pulsar's {@code AUTO_CONSUME}, or {@link io.pulsarwasm.schema.UndecodedAutoConsume}
 * named as the input's schema type, which spares Pulsar's decode), so a topic whose schema evolves
 * needs nothing.
 *
 * <p>The guest reads the record's value as JSON text ({@code {"key": ..., "value": ...}} for a
 * KeyValue) and the schema through {@code pulsar.get_schema}; its output is JSON, which the host
 * encodes in the output schema: the input's ({@code wasm.record.output-schema} {@code input}, the
 * default) or an Avro or JSON schema given in configuration. A value that does not fit fails the
 * message, naming the field; nothing is sent half-encoded. With {@code wasm.record.format} {@code
 * raw} the guest reads and writes the schema's own encoding instead (checked by decoding it). On a
 * topic without a schema, the guest gets and gives bytes. {@code pip/pip-331.md} ("Records") has
 * the JSON mapping.
 *
 * <p>Like {@link WasmBytesFunction}, the result completes once the message's writes are stored.
 */
public class WasmRecordFunction extends AbstractWasmFunction<GenericObject, CompletableFuture<RecordOutput>> {

    private RecordConfig recordConfig = RecordConfig.parse(Map.of());
    private Records records = new Records(recordConfig);
    private Context context;
    /** The schema of the record being processed, for what the guest publishes in the input's schema. */
    private Schema<?> inputSchema;

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmRecordFunction() {
        super(EntryPoint.BYTES);
    }

    @Override
    public void initialize(Context context) {
        this.context = context;
        super.initialize(context);
    }

    @Override
    WasmConfig configure(Map<String, ?> userConfig) {
        WasmConfig config = super.configure(userConfig);
        recordConfig = RecordConfig.parse(userConfig);
        records = new Records(recordConfig);
        return config;
    }

    /**
     * A JavaScript function's process receives the record as an object (its JSON form) and may
     * return one; with {@code wasm.record.format} {@code raw}, a {@code Uint8Array}.
     */
    @Override
    protected JsInput jsInput() {
        return recordConfig.raw() ? JsInput.BYTES : JsInput.RECORD;
    }

    @Override
    protected Set<String> configKeys() {
        return RecordConfig.KEYS;
    }

    /** What the guest publishes to a topic with a configured schema is encoded in it. */
    @Override
    Host guestHost(Host host) {
        return new RecordHost(host, records, () -> inputSchema);
    }

    /** The record's bytes as the message holds them (its value's encoding in the input's schema). */
    @Override
    byte[] failureInput(GenericObject input) {
        if (input instanceof RecordInput given) {
            return given.data();
        }
        Record<?> current = context == null ? null : context.getCurrentRecord();
        // the message's data as it is, without its schema: the failure may be that its version could not be looked up
        byte[] data = current == null
                ? null
                : current.getMessage().map(Message::getData).orElse(null);
        return data == null ? new byte[0] : data;
    }

    /**
     * Calls the guest for one record: the one Pulsar is processing, or the {@link RecordInput}
     * given (as the tester gives it).
     */
    @Override
    protected CompletableFuture<RecordOutput> call(WasmSession session, GenericObject input) {
        Record<?> current = context == null ? null : context.getCurrentRecord();
        RecordInput record = input instanceof RecordInput given ? given : RecordInput.of(current);
        Invocation invocation;
        inputSchema = record.schema();
        try {
            invocation = session.process(records.guestInput(record.schema(), record.data(), record.keyBytes()));
        } finally {
            inputSchema = null;
        }
        if (invocation.output() == null) {
            return invocation.stored().thenApply(ignored -> null);
        }
        Encoded encoded;
        try {
            encoded = records.output(invocation.output(), record.schema());
        } catch (RecordEncodingException e) {
            throw new WasmExecutionException(
                    "wasm module '" + session.moduleName() + "': the output of export 'process' "
                            + "cannot be written: " + e.getMessage(),
                    e);
        }
        RecordOutput output = new RecordOutput(encoded, current);
        return invocation.stored().thenApply(ignored -> output);
    }
}
