/*
 * Record, a record function (io.pulsarwasm.function.WasmRecordFunction): reads the record's value
 * as a JSON object, e.g. {"name":"ada","age":36,"email":null}, and answers with the same members
 * in the same order, the string "name" upper-cased (ASCII) and the integer "age" plus one:
 * {"name":"ADA","age":37,"email":null}. Every other member, and a "name" or "age" of another type
 * (null, say), is copied through as it is. Input that is not a JSON object fails the message.
 */
#include "../../sdk/c/pulsar_wasm.h"

static int record(pw_bytes input, pw_output *out) {
    pw_json_iter members;
    if (!pw_json_members(input, &members)) return pw_fail(out, "input is not a JSON object");

    pw_json_writer json;
    pw_json_writer_init(&json, input.len + 16);
    pw_json_begin_object(&json);
    pw_bytes name, value;
    int64_t age;
    while (pw_json_next_member(&members, &name, &value)) {
        pw_json_write_name_raw(&json, name);
        if (pw_json_string_is(name, "name") && pw_json_kind(value) == PW_JSON_STRING) {
            pw_bytes text = pw_json_string(value);
            for (uint32_t i = 0; i < text.len; i++) text.ptr[i] = pw_upper(text.ptr[i]);
            pw_json_write_string(&json, text);
        } else if (pw_json_string_is(name, "age") && pw_json_int(value, &age)) {
            if (age == INT64_MAX) return pw_fail(out, "age is too large");
            pw_json_write_int(&json, age + 1);
        } else {
            pw_json_write_raw(&json, value);
        }
    }
    pw_json_end_object(&json);
    return pw_set(out, pw_json_output(&json));
}

PULSAR_FUNCTION(record)
