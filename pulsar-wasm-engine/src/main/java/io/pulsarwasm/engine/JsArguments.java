package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host call's arguments as the JavaScript bridge passes them: fields in the order of the call's
 * parameters, a value as two fields (its kind, {@code t} text or {@code b} bytes staged on the
 * engine's stdout, and the text or null), a map as its count and then its keys and values.
 */
final class JsArguments implements CallArguments {
    private final HostImport call;
    private final String name;
    private final List<String> fields;
    /** Where each parameter's fields start. */
    private final int[] starts;
    /** Each bytes parameter's value, once taken (staged bytes can be taken once). */
    private final byte[][] values;
    /** The map parameter's value, once read (a call has at most one). */
    private Map<String, String> map;

    private final ValueLimits bounds;
    private final JsStreams streams;

    /**
     * @param call the host call
     * @param name the call as errors name it
     * @param fields the call's fields, decoded
     */
    JsArguments(HostImport call, String name, List<String> fields, ValueLimits bounds, JsStreams streams) {
        this.call = call;
        this.bounds = bounds;
        this.streams = streams;
        this.name = name;
        this.fields = fields;
        this.starts = new int[call.params().size()];
        this.values = new byte[starts.length][];
        int at = 0;
        for (int i = 0; i < starts.length; i++) {
            starts[i] = at;
            at += switch (call.params().get(i).kind()) {
                case BYTES -> 2;
                case MAP -> 1 + 2 * count(at);
                default -> 1;
            };
        }
    }

    /** The number of entries of a map whose count is field {@code at}: as many as the fields hold. */
    private int count(int at) {
        long count = JsFields.parseLong(name, JsFields.field(name, fields, at));
        // compared with the fields there are, halved: twice a huge count would overflow
        if (count < 0 || count > (fields.size() - at - 1) / 2) {
            throw new AbiViolationException(
                    name + ": a map of " + count + " entries in " + (fields.size() - at - 1) + " fields");
        }
        return (int) count;
    }

    private String field(int at) {
        return JsFields.field(name, fields, starts[at]);
    }

    @Override
    public int i32(int at) {
        long value = JsFields.parseLong(name, field(at));
        if (value != (int) value) {
            throw new AbiViolationException(name + ": " + value + " is out of range");
        }
        return (int) value;
    }

    @Override
    public long i64(int at) {
        return JsFields.parseLong(name, field(at));
    }

    @Override
    public double f64(int at) {
        return JsFields.parseDouble(name, field(at));
    }

    @Override
    public String text(int at) {
        String text = field(at);
        bounds.checkText(name, call.params().get(at).what(), text);
        return text;
    }

    @Override
    public String optionalText(int at) {
        return starts[at] < fields.size() && fields.get(starts[at]) == null ? null : text(at);
    }

    @Override
    public ValueLimits.Line line(int at) {
        return bounds.line(field(at));
    }

    @Override
    public long length(int at) {
        return call.params().get(at).kind() == HostImport.Kind.MAP
                ? StringMapCodec.encode(map(at)).length
                : bytes(at).length;
    }

    @Override
    public byte[] bytes(int at) {
        if (values[at] == null) {
            String kind = field(at);
            values[at] = switch (kind) {
                case "t" -> JsFields.field(name, fields, starts[at] + 1).getBytes(StandardCharsets.UTF_8);
                case "b" -> streams.takeStaged();
                default -> throw new AbiViolationException(name + ": unknown value kind '" + kind + "'");
            };
        }
        return values[at];
    }

    @Override
    public Map<String, String> map(int at) {
        if (map == null) {
            map = new LinkedHashMap<>();
            int count = count(starts[at]);
            for (int i = starts[at] + 1; i < starts[at] + 1 + 2 * count; i += 2) {
                map.put(JsFields.field(name, fields, i), JsFields.field(name, fields, i + 1));
            }
        }
        return map;
    }
}
