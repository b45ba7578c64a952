package io.pulsarwasm.samples;

import java.util.Locale;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.Field;
import org.apache.pulsar.client.api.schema.GenericObject;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.client.api.schema.GenericRecordBuilder;
import org.apache.pulsar.client.api.schema.GenericSchema;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
import org.apache.pulsar.functions.api.Record;

/**
 * The record samples' transform ({@code c/record.c}) written in Java the way Pulsar offers it for a
 * topic with a schema: the input as a {@link GenericRecord} ({@code AUTO_CONSUME}), the output built
 * with the input schema's {@link GenericRecordBuilder} and sent in that schema. {@code name} is
 * upper-cased, {@code age} plus one, every other field copied. The baseline of the end-to-end
 * benchmarks' record case.
 */
public class JavaRecordTransform implements Function<GenericObject, Record<GenericRecord>> {

    private Schema<?> lastInput;
    private GenericSchema<GenericRecord> output;

    @Override
    public Record<GenericRecord> process(GenericObject input, Context context) {
        GenericRecord record = (GenericRecord) input;
        Schema<?> schema = context.getCurrentRecord().getSchema();
        if (schema != lastInput) {
            // Pulsar hands out one schema object per version: build the writer once per version
            lastInput = schema;
            output = Schema.generic(schema.getSchemaInfo());
        }
        GenericRecordBuilder builder = output.newRecordBuilder();
        for (Field field : record.getFields()) {
            Object value = record.getField(field);
            if (field.getName().equals("name") && value instanceof String name) {
                value = name.toUpperCase(Locale.ROOT);
            } else if (field.getName().equals("age") && value instanceof Integer age) {
                value = age + 1;
            }
            builder.set(field.getName(), value);
        }
        return context.newOutputRecordBuilder(output).value(builder.build()).build();
    }
}
