package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The JSON form of Avro values, both ways, driven by the schema: what a guest reads and writes for
 * an Avro (and a Pulsar JSON) record. {@code pip/pip-331.md} ("Records") has the table.
 *
 * <p>Out: records are objects with every field in schema order; unions are unwrapped; bytes and
 * fixed are base64; enums their symbol; decimals exact JSON numbers; dates, times and timestamps
 * their underlying number; NaN and infinities the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. In: the same, checked value by value, every refusal naming the path
 * ({@code $.address.zip}) and what was expected.
 */
final class AvroJson {

    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

    private AvroJson() {}

    /**
     * Writes an Avro value as JSON.
     *
     * @param value a value as Avro's generic reader returns it
     * @param schema its schema
     * @param out where the JSON goes
     * @throws IOException if the generator fails
     */
    static void write(Object value, Schema schema, JsonGenerator out) throws IOException {
        switch (schema.getType()) {
            case NULL -> out.writeNull();
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT -> out.writeNumber((Integer) value);
            case LONG -> out.writeNumber((Long) value);
            case FLOAT -> writeFloating(((Float) value).doubleValue(), out, true);
            case DOUBLE -> writeFloating((Double) value, out, false);
            case STRING -> out.writeString(value.toString());
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                if (isDecimal(schema)) {
                    out.writeNumber(DECIMALS.fromBytes(buffer, schema, schema.getLogicalType()).toPlainString());
                } else {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.writeString(Base64.getEncoder().encodeToString(bytes));
                }
            }
            case FIXED -> {
                GenericData.Fixed fixed = (GenericData.Fixed) value;
                if (isDecimal(schema)) {
                    out.writeNumber(DECIMALS.fromFixed(fixed, schema, schema.getLogicalType()).toPlainString());
                } else {
                    out.writeString(Base64.getEncoder().encodeToString(fixed.bytes()));
                }
            }
            case ENUM -> out.writeString(value.toString());
            case ARRAY -> {
                out.writeStartArray();
                for (Object element : (Iterable<?>) value) {
                    write(element, schema.getElementType(), out);
                }
                out.writeEndArray();
            }
            case MAP -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    out.writeFieldName(entry.getKey().toString());
                    write(entry.getValue(), schema.getValueType(), out);
                }
                out.writeEndObject();
            }
            case RECORD -> {
                GenericRecord record = (GenericRecord) value;
                out.writeStartObject();
                for (Schema.Field field : schema.getFields()) {
                    out.writeFieldName(field.name());
                    write(record.get(field.pos()), field.schema(), out);
                }
                out.writeEndObject();
            }
            case UNION -> write(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)), out);
        }
    }

    private static void writeFloating(double value, JsonGenerator out, boolean single) throws IOException {
        if (Double.isNaN(value)) {
            out.writeString("NaN");
        } else if (Double.isInfinite(value)) {
            out.writeString(value > 0 ? "Infinity" : "-Infinity");
        } else if (single) {
            out.writeNumber((float) value);
        } else {
            out.writeNumber(value);
        }
    }

    /**
     * Reads a JSON value into an Avro value of a schema, checking that it fits.
     *
     * @param json the value
     * @param schema the schema it must fit
     * @param path where the value is, for messages ({@code $} for the top)
     * @return the value as Avro's generic writer takes it
     * @throws RecordEncodingException naming the path and what was expected
     */
    static Object read(JsonNode json, Schema schema, String path) {
        return switch (schema.getType()) {
            case NULL -> {
                if (!json.isNull()) {
                    throw mismatch(path, "null", json);
                }
                yield null;
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, "a boolean", json);
                }
                yield json.booleanValue();
            }
            case INT -> {
                if (isLogical(schema, "date")) {
                    yield (int) integral(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "a date (days since 1970-01-01, an int)");
                }
                yield (int) integral(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int (32-bit integer)");
            }
            case LONG -> integral(json, path, Long.MIN_VALUE, Long.MAX_VALUE, "a long (64-bit integer)");
            case FLOAT -> (float) floating(json, path, "a float");
            case DOUBLE -> floating(json, path, "a double");
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "a string", json);
                }
                yield json.textValue();
            }
            case BYTES -> isDecimal(schema)
                    ? DECIMALS.toBytes(decimal(json, schema, path), schema, schema.getLogicalType())
                    : ByteBuffer.wrap(base64(json, path, -1));
            case FIXED -> isDecimal(schema)
                    ? DECIMALS.toFixed(decimal(json, schema, path), schema, schema.getLogicalType())
                    : new GenericData.Fixed(schema, base64(json, path, schema.getFixedSize()));
            case ENUM -> {
                if (!json.isTextual() || !schema.hasEnumSymbol(json.textValue())) {
                    throw mismatch(path, "one of the symbols " + schema.getEnumSymbols(), json);
                }
                yield new GenericData.EnumSymbol(schema, json.textValue());
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw mismatch(path, "an array", json);
                }
                List<Object> elements = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    elements.add(read(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                yield new GenericData.Array<>(schema, elements);
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw mismatch(path, "an object (a map)", json);
                }
                Map<String, Object> map = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), read(entry.getValue(), schema.getValueType(), member(path, entry.getKey())));
                }
                yield map;
            }
            case RECORD -> record(json, schema, path);
            case UNION -> union(json, schema, path);
        };
    }

    private static GenericRecord record(JsonNode json, Schema schema, String path) {
        if (!json.isObject()) {
            throw mismatch(path, "an object (record " + schema.getFullName() + ")", json);
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw new RecordEncodingException(member(path, name) + ": record " + schema.getFullName()
                        + " has no field '" + name + "' (its fields are "
                        + schema.getFields().stream().map(Schema.Field::name).toList() + ")");
            }
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            if (value != null) {
                record.put(field.pos(), read(value, field.schema(), member(path, field.name())));
            } else if (field.hasDefaultValue()) {
                record.put(field.pos(), GenericData.get().deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
            } else {
                throw new RecordEncodingException(member(path, field.name()) + ": missing, and record "
                        + schema.getFullName() + " gives no default for it");
            }
        }
        return record;
    }

    private static Object union(JsonNode json, Schema schema, String path) {
        List<Schema> branches = schema.getTypes();
        if (json.isNull() && branches.stream().anyMatch(branch -> branch.getType() == Schema.Type.NULL)) {
            return null;
        }
        if (json.isObject() && json.size() == 1) {
            String name = json.fieldNames().next();
            for (Schema branch : branches) {
                if (name.equals(branch.getFullName()) || name.equals(branch.getName())
                        && branch.getType() != Schema.Type.RECORD) {
                    return read(json.get(name), branch, path);
                }
            }
        }
        for (Schema branch : branches) {
            if (branch.getType() != Schema.Type.NULL) {
                try {
                    return read(json, branch, path);
                } catch (RecordEncodingException e) {
                    // try the next branch
                }
            }
        }
        throw mismatch(path, "a value of one of the union's types " + branches.stream().map(AvroJson::typeName).toList(), json);
    }

    private static long integral(JsonNode json, String path, long min, long max, String expected) {
        if (!json.isIntegralNumber() && !(json.isNumber() && isWhole(json.decimalValue()))) {
            throw mismatch(path, expected, json);
        }
        BigInteger value = json.bigIntegerValue();
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw mismatch(path, expected, json);
        }
        return value.longValue();
    }

    private static boolean isWhole(BigDecimal value) {
        return value.signum() == 0 || value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0;
    }

    private static double floating(JsonNode json, String path, String expected) {
        if (json.isNumber()) {
            return json.doubleValue();
        }
        if (json.isTextual()) {
            switch (json.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw mismatch(path, expected + " (a number, \"NaN\", \"Infinity\" or \"-Infinity\")", json);
    }

    private static byte[] base64(JsonNode json, String path, int size) {
        String expected = size < 0 ? "base64 text (bytes)" : "base64 text of exactly " + size + " bytes (fixed)";
        if (!json.isTextual()) {
            throw mismatch(path, expected, json);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(json.textValue());
        } catch (IllegalArgumentException e) {
            throw mismatch(path, expected, json);
        }
        if (size >= 0 && bytes.length != size) {
            throw new RecordEncodingException(path + ": expected " + expected + ", got " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static BigDecimal decimal(JsonNode json, Schema schema, String path) {
        LogicalTypes.Decimal type = (LogicalTypes.Decimal) schema.getLogicalType();
        String expected = "a decimal with at most " + type.getScale() + " digits after the point and "
                + type.getPrecision() + " in all";
        BigDecimal value;
        try {
            value = json.isNumber() ? json.decimalValue() : json.isTextual() ? new BigDecimal(json.textValue()) : null;
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw mismatch(path, expected, json);
        }
        try {
            value = value.setScale(type.getScale());
        } catch (ArithmeticException e) {
            throw mismatch(path, expected, json);
        }
        if (value.precision() > type.getPrecision()) {
            throw mismatch(path, expected, json);
        }
        return value;
    }

    private static boolean isDecimal(Schema schema) {
        return schema.getLogicalType() instanceof LogicalTypes.Decimal;
    }

    private static boolean isLogical(Schema schema, String name) {
        LogicalType type = schema.getLogicalType();
        return type != null && type.getName().equals(name);
    }

    private static String typeName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getFullName();
            default -> schema.getType().getName();
        };
    }

    private static String member(String path, String name) {
        return name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')
                ? path + "." + name
                : path + "[\"" + name.replace("\"", "\\\"") + "\"]";
    }

    private static RecordEncodingException mismatch(String path, String expected, JsonNode got) {
        String text = got.toString();
        return new RecordEncodingException(path + ": expected " + expected + ", got "
                + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
    }
}
