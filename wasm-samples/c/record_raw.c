/*
 * Record, raw: the twin of record.c for guests that decode the schema's own encoding themselves
 * (wasm.record.format raw), written for one schema: Pulsar's AVRO schema of a class
 * User { int age; String email; String name; }, whose Avro binary is age (an int), then email and
 * name (each a union of null and string). It answers in the same encoding with age plus one and
 * name upper-cased (ASCII), without any JSON: the end-to-end benchmark's raw fast path. Bytes that
 * are not such a record fail the message.
 */
#include "../../sdk/c/pulsar_wasm.h"

static int read_varint(pw_bytes in, uint32_t *at, uint64_t *value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*at >= in.len) return 0;
        uint8_t b = in.ptr[(*at)++];
        result |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *value = result;
            return 1;
        }
    }
    return 0;
}

static uint32_t write_varint(uint8_t *out, uint64_t value) {
    uint32_t n = 0;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

/* Copies a union of null (index 0, written 0) and string (index 1, written 2) from in to out. */
static int copy_optional_string(pw_bytes in, uint32_t *at, uint8_t *out, uint32_t *written, int upper) {
    uint64_t branch, length;
    if (!read_varint(in, at, &branch) || (branch != 0 && branch != 2)) return 0;
    out[(*written)++] = (uint8_t)branch;
    if (branch == 0) return 1;
    if (!read_varint(in, at, &length) || (length & 1) || (length >> 1) > in.len - *at) return 0;
    *written += write_varint(out + *written, length);
    for (uint32_t i = 0; i < (length >> 1); i++) {
        uint8_t c = in.ptr[*at + i];
        out[(*written)++] = upper ? pw_upper(c) : c;
    }
    *at += (uint32_t)(length >> 1);
    return 1;
}

static int record_raw(pw_bytes input, pw_output *out) {
    uint32_t at = 0, written = 0;
    uint64_t zigzag;
    uint8_t *output = pw_alloc(input.len + 5); /* age may take one byte more */
    if (!read_varint(input, &at, &zigzag) || zigzag > 0xffffffffu) return pw_fail(out, "not a User: age");
    int64_t age = (int64_t)(zigzag >> 1) ^ -(int64_t)(zigzag & 1);
    if (age >= INT32_MAX) return pw_fail(out, "age is too large");
    age += 1;
    written += write_varint(output, ((uint64_t)age << 1) ^ (uint64_t)(age >> 63));
    if (!copy_optional_string(input, &at, output, &written, 0)) return pw_fail(out, "not a User: email");
    if (!copy_optional_string(input, &at, output, &written, 1)) return pw_fail(out, "not a User: name");
    if (at != input.len) return pw_fail(out, "not a User: bytes follow the record");
    return pw_set(out, (pw_bytes){output, written});
}

PULSAR_FUNCTION(record_raw)
