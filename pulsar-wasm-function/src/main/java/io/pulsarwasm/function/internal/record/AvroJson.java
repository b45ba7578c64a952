package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.Decoder;

/**
 * The JSON form of Avro values, both ways, driven by the schema: what a guest reads and writes for
 * an Avro (and a Pulsar JSON) record. {@code pip/pip-331.md} ("Records") has the table.
 *
 * <p>Out: records are objects with every field in schema order; unions are unwrapped; bytes and
 * fixed are base64; enums their symbol; decimals exact JSON numbers; dates, times and timestamps
 * their underlying number; NaN and infinities the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. In: the same, checked value by value, every refusal naming the path
 * ({@code $.address.zip}) and what was expected.
 *
 * <p>Over 300 lines because it is the whole Avro mapping both ways, one small method per schema
 * type, and keeping both directions together keeps them symmetrical.
 */
final class AvroJson {

    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");
    /** Jackson's own limit on a number's length (StreamReadConstraints), for decimals given as text. */
    private static final int MAX_DECIMAL_TEXT = 1000;

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
                    out.writeNumber(DECIMALS.fromBytes(buffer, schema, schema.getLogicalType())
                            .toPlainString());
                } else {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    out.writeString(Base64.getEncoder().encodeToString(bytes));
                }
            }
            case FIXED -> {
                GenericData.Fixed fixed = (GenericData.Fixed) value;
                if (isDecimal(schema)) {
                    out.writeNumber(DECIMALS.fromFixed(fixed, schema, schema.getLogicalType())
                            .toPlainString());
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

    /**
     * Writes an Avro value as JSON straight from its binary encoding, without decoding it first:
     * the same text {@link #write} gives for the decoded value. Records, arrays, unions, enums,
     * scalars, bytes and fixed are streamed; maps (which Avro decodes into a hash map, whose order
     * {@link #write} keeps) are decoded one map at a time and written by {@link #write}. A union is
     * written as the branch its encoding names, which is the branch {@link #write} resolves for the
     * decoded value. The items of all arrays together may be at most {@value #FREE_ITEMS} more than
     * the encoding has bytes: an item of no size (a null, an empty record) costs nothing to
     * declare, and a few bytes would otherwise have the host write billions.
     *
     * @param in the encoding, at the value's start; left at its end
     * @param size the encoding's length in bytes
     * @param schema its schema
     * @param out where the JSON goes
     * @throws TooManyItems if the arrays declare more items than that
     * @throws IOException if the encoding ends too soon or names a branch or symbol that is not there
     */
    static void transcode(Decoder in, int size, Schema schema, JsonGenerator out) throws IOException {
        transcode(in, schema, out, new long[] {size + (long) FREE_ITEMS});
    }

    /** Items of no size an encoding may declare beyond one a byte, as {@code AvroCodec}'s check of a guest's own allows. */
    static final int FREE_ITEMS = 65_536;

    /**
     * An encoding whose arrays declare more items than its bytes can hold: final, not read again by
     * decoding, which would allocate them all.
     */
    static final class TooManyItems extends IOException {
        private static final long serialVersionUID = 1L;

        TooManyItems() {
            super("more array items than the bytes can hold");
        }
    }

    private static final Map<Schema, GenericDatumReader<Object>> MAP_READERS = new ConcurrentHashMap<>();

    private static void transcode(Decoder in, Schema schema, JsonGenerator out, long[] items) throws IOException {
        switch (schema.getType()) {
            case NULL -> {
                in.readNull();
                out.writeNull();
            }
            case BOOLEAN -> out.writeBoolean(in.readBoolean());
            case INT -> out.writeNumber(in.readInt());
            case LONG -> out.writeNumber(in.readLong());
            case FLOAT -> writeFloating(in.readFloat(), out, true);
            case DOUBLE -> writeFloating(in.readDouble(), out, false);
            case STRING -> out.writeString(in.readString());
            case BYTES -> write(in.readBytes(null), schema, out);
            case FIXED -> {
                byte[] bytes = new byte[schema.getFixedSize()];
                in.readFixed(bytes);
                write(new GenericData.Fixed(schema, bytes), schema, out);
            }
            case MAP ->
                write(
                        MAP_READERS
                                .computeIfAbsent(schema, mapSchema -> new GenericDatumReader<>(mapSchema))
                                .read(null, in),
                        schema,
                        out);
            case ENUM -> {
                int index = in.readEnum();
                List<String> symbols = schema.getEnumSymbols();
                if (index < 0 || index >= symbols.size()) {
                    throw new IOException("enum index " + index + " of " + symbols.size());
                }
                out.writeString(symbols.get(index));
            }
            case ARRAY -> {
                out.writeStartArray();
                for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                    if (n < 0 || n > items[0]) {
                        throw new TooManyItems();
                    }
                    items[0] -= n;
                    for (long i = 0; i < n; i++) {
                        transcode(in, schema.getElementType(), out, items);
                    }
                }
                out.writeEndArray();
            }
            case RECORD -> {
                out.writeStartObject();
                for (Schema.Field field : schema.getFields()) {
                    out.writeFieldName(field.name());
                    transcode(in, field.schema(), out, items);
                }
                out.writeEndObject();
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                int index = in.readIndex();
                if (index < 0 || index >= branches.size()) {
                    throw new IOException("union index " + index + " of " + branches.size());
                }
                transcode(in, branches.get(index), out, items);
            }
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
                    yield (int) integral(
                            json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "a date (days since 1970-01-01, an int)");
                }
                yield (int) integral(json, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int (32-bit integer)");
            }
            case LONG -> integral(json, path, Long.MIN_VALUE, Long.MAX_VALUE, "a long (64-bit integer)");
            case FLOAT -> (float) floating(json, path, "a float", true);
            case DOUBLE -> floating(json, path, "a double", false);
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "a string", json);
                }
                yield WellFormed.text(json.textValue());
            }
            case BYTES ->
                isDecimal(schema)
                        ? DECIMALS.toBytes(decimal(json, schema, path), schema, schema.getLogicalType())
                        : ByteBuffer.wrap(base64(json, path, -1));
            case FIXED ->
                isDecimal(schema)
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
                    map.put(
                            WellFormed.text(entry.getKey()),
                            read(entry.getValue(), schema.getValueType(), member(path, entry.getKey())));
                }
                yield map;
            }
            case RECORD -> record(json, schema, path);
            case UNION -> union(json, schema, path);
        };
    }

    /**
     * Thrown by {@link #stream} where a value does not fit its schema, without saying why: the caller
     * reads the text again as a tree with {@link #read}, which names the path and what was expected.
     */
    static final class NotStreamed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private NotStreamed() {
            super(null, null, false, false);
        }
    }

    private static final NotStreamed NOT_STREAMED = new NotStreamed();

    /** Reads one value as a node (a union's, or a scalar without a fast path here): its parser is the stream's. */
    private static final ObjectReader NODES =
            RecordCodec.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Reads the JSON value at the parser's current token into an Avro value of a schema, as {@link
     * #read} does from a tree, without building one: records, arrays and maps are read member by
     * member, and the usual scalars (strings, integers, booleans, nulls, and a union's null or
     * string) straight from their tokens; any other value is read as a node and goes through {@link
     * #read}. Where the value does not fit, it throws {@link NotStreamed} (or the parser's own
     * exception), and the caller reads the text again as a tree, so that an error is reported
     * exactly as {@link #read} reports it.
     *
     * @param parser a parser at the value's first token; left at its last
     * @param schema the schema it must fit
     * @return the value as Avro's generic writer takes it
     * @throws IOException if the parser fails
     */
    static Object stream(JsonParser parser, Schema schema) throws IOException {
        JsonToken token = parser.currentToken();
        switch (schema.getType()) {
            case RECORD -> {
                if (token != JsonToken.START_OBJECT) {
                    throw NOT_STREAMED;
                }
                List<Schema.Field> fields = schema.getFields();
                GenericData.Record record = new GenericData.Record(schema);
                boolean[] given = new boolean[fields.size()];
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    Schema.Field field = schema.getField(parser.currentName());
                    if (field == null) {
                        throw NOT_STREAMED;
                    }
                    parser.nextToken();
                    record.put(field.pos(), stream(parser, field.schema()));
                    given[field.pos()] = true;
                }
                for (Schema.Field field : fields) {
                    if (!given[field.pos()]) {
                        if (!field.hasDefaultValue()) {
                            throw NOT_STREAMED;
                        }
                        record.put(
                                field.pos(),
                                GenericData.get()
                                        .deepCopy(
                                                field.schema(),
                                                GenericData.get().getDefaultValue(field)));
                    }
                }
                return record;
            }
            case ARRAY -> {
                if (token != JsonToken.START_ARRAY) {
                    throw NOT_STREAMED;
                }
                List<Object> elements = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(stream(parser, schema.getElementType()));
                }
                return new GenericData.Array<>(schema, elements);
            }
            case MAP -> {
                if (token != JsonToken.START_OBJECT) {
                    throw NOT_STREAMED;
                }
                Map<String, Object> map = new HashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = WellFormed.text(parser.currentName());
                    parser.nextToken();
                    map.put(key, stream(parser, schema.getValueType()));
                }
                return map;
            }
            case STRING -> {
                if (token == JsonToken.VALUE_STRING) {
                    return WellFormed.text(parser.getText());
                }
            }
            case INT, LONG -> {
                if (token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    long value = parser.getLongValue();
                    if (schema.getType() == Schema.Type.LONG) {
                        return value;
                    }
                    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                        return (int) value;
                    }
                    throw NOT_STREAMED;
                }
            }
            case BOOLEAN -> {
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    return token == JsonToken.VALUE_TRUE;
                }
            }
            case NULL -> {
                if (token == JsonToken.VALUE_NULL) {
                    return null;
                }
            }
            case UNION -> {
                // null: the first null branch; a string: the first string branch (as union and branch choose)
                Schema.Type wanted = token == JsonToken.VALUE_NULL
                        ? Schema.Type.NULL
                        : token == JsonToken.VALUE_STRING ? Schema.Type.STRING : null;
                if (wanted != null) {
                    for (Schema branch : schema.getTypes()) {
                        if (branch.getType() == wanted) {
                            return wanted == Schema.Type.NULL ? null : WellFormed.text(parser.getText());
                        }
                    }
                }
            }
            default -> {}
        }
        return read(NODES.readTree(parser), schema, "$");
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
                record.put(
                        field.pos(),
                        GenericData.get()
                                .deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
            } else {
                throw new RecordEncodingException(member(path, field.name()) + ": missing, and record "
                        + schema.getFullName() + " gives no default for it");
            }
        }
        return record;
    }

    /**
     * Reads a union's value into the one branch its JSON kind selects, without trying branches in
     * turn (which costs time exponential in the nesting of unions of records): null the null branch;
     * {@code {"name": value}} the branch so named (Avro's JSON encoding); a boolean the boolean
     * branch; an integer (written without a point or exponent) the first of int, long, double, float,
     * decimal it fits; another number the
     * first of double, float, decimal (failing that, an int or long branch refuses it by range); a string the string branch, else an enum having it as a
     * symbol, else a float or double for "NaN" and the infinities, else a decimal for a number's
     * text, else bytes or fixed (base64);
     * an array the array branch; an object the first record branch that has every member as a
     * field and every field without a default among the members, else the map branch, else the
     * first record branch (which then names what does not fit).
     */
    private static Object union(JsonNode json, Schema schema, String path) {
        List<Schema> branches = schema.getTypes();
        if (json.isObject() && json.size() == 1) {
            String name = json.fieldNames().next();
            for (Schema branch : branches) {
                if (name.equals(branch.getFullName())
                        || name.equals(branch.getName()) && branch.getType() != Schema.Type.RECORD) {
                    return read(json.get(name), branch, path);
                }
            }
        }
        Schema branch = branch(json, branches);
        if (branch == null) {
            throw mismatch(
                    path,
                    "a value of one of the union's types "
                            + branches.stream().map(AvroJson::typeName).toList(),
                    json);
        }
        return read(json, branch, path);
    }

    private static Schema branch(JsonNode json, List<Schema> branches) {
        return switch (json.getNodeType()) {
            case NULL -> first(branches, type(Schema.Type.NULL));
            case BOOLEAN -> first(branches, type(Schema.Type.BOOLEAN));
            case NUMBER -> {
                Long whole = json.isIntegralNumber() ? exactLong(json) : null;
                yield first(
                        branches,
                        b -> whole != null
                                && b.getType() == Schema.Type.INT
                                && whole >= Integer.MIN_VALUE
                                && whole <= Integer.MAX_VALUE,
                        b -> whole != null && b.getType() == Schema.Type.LONG,
                        type(Schema.Type.DOUBLE),
                        type(Schema.Type.FLOAT),
                        AvroJson::isDecimal,
                        type(Schema.Type.INT).or(type(Schema.Type.LONG)));
            }
            case STRING -> {
                String text = json.textValue();
                yield first(
                        branches,
                        type(Schema.Type.STRING),
                        b -> b.getType() == Schema.Type.ENUM && b.hasEnumSymbol(text),
                        b -> NON_FINITE.contains(text)
                                && (b.getType() == Schema.Type.DOUBLE || b.getType() == Schema.Type.FLOAT),
                        b -> isDecimal(b) && isNumberText(text),
                        type(Schema.Type.BYTES).or(type(Schema.Type.FIXED)).and(b -> !isDecimal(b)));
            }
            case ARRAY -> first(branches, type(Schema.Type.ARRAY));
            case OBJECT ->
                first(
                        branches,
                        b -> b.getType() == Schema.Type.RECORD && fitsFields(json, b),
                        type(Schema.Type.MAP),
                        type(Schema.Type.RECORD));
            default -> null;
        };
    }

    /** The first branch the first preference that any branch meets chooses, or null. */
    @SafeVarargs
    private static Schema first(List<Schema> branches, Predicate<Schema>... preferences) {
        for (Predicate<Schema> preference : preferences) {
            for (Schema branch : branches) {
                if (preference.test(branch)) {
                    return branch;
                }
            }
        }
        return null;
    }

    private static Predicate<Schema> type(Schema.Type type) {
        return branch -> branch.getType() == type;
    }

    private static boolean fitsFields(JsonNode json, Schema record) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            if (record.getField(names.next()) == null) {
                return false;
            }
        }
        return record.getFields().stream().allMatch(field -> field.hasDefaultValue() || json.has(field.name()));
    }

    private static long integral(JsonNode json, String path, long min, long max, String expected) {
        Long value = exactLong(json);
        if (value == null || value < min || value > max) {
            throw mismatch(path, expected, json);
        }
        return value;
    }

    /**
     * A JSON number's value if it is a whole number that fits a long ({@code 3}, {@code 3.0},
     * {@code 3e2}), else null. The digit count is checked before any conversion, so a number like
     * {@code 1e99999} costs no more than {@code 1}.
     */
    static Long exactLong(JsonNode json) {
        if (json.isIntegralNumber()) {
            return json.canConvertToLong() ? json.longValue() : null;
        }
        if (!json.isNumber()) {
            return null;
        }
        BigDecimal value = json.decimalValue();
        if (value.signum() == 0) {
            return 0L;
        }
        if (value.precision() - value.scale() > 19) {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    static double floating(JsonNode json, String path, String expected, boolean single) {
        if (json.isNumber()) {
            double value = json.doubleValue();
            if (Double.isInfinite(value) || single && Float.isInfinite((float) value)) {
                throw mismatch(
                        path, expected + " (beyond its range; write \"Infinity\" or \"-Infinity\" for those)", json);
            }
            return value;
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
        BigDecimal value = null;
        try {
            if (json.isNumber()) {
                value = json.decimalValue();
            } else if (json.isTextual() && json.textValue().length() <= MAX_DECIMAL_TEXT) {
                value = new BigDecimal(json.textValue());
            }
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw mismatch(path, expected, json);
        }
        // Compare digit counts before setScale, which would build 10^scale: 1e100000000 must cost nothing.
        if (value.signum() != 0) {
            value = value.stripTrailingZeros();
            if (value.scale() > type.getScale()
                    || value.precision() - value.scale() > type.getPrecision() - type.getScale()) {
                throw mismatch(path, expected, json);
            }
        }
        return value.setScale(type.getScale());
    }

    private static boolean isNumberText(String text) {
        if (text.length() > MAX_DECIMAL_TEXT) {
            return false;
        }
        try {
            new BigDecimal(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
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

    static RecordEncodingException mismatch(String path, String expected, JsonNode got) {
        String text = got.toString();
        return new RecordEncodingException(path + ": expected " + expected + ", got "
                + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
    }
}
