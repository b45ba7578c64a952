/*
 * Window sum, a window function (WasmWindowFunction): each record's value is a whole number in
 * decimal text ("-7", "42"), and the output of each window is their sum, in decimal text. Deployed
 * with --window-length-count 10 --sliding-interval-count 10, it sums each ten messages (a tumbling
 * count window). A value that is not a whole number of at most 18 digits fails the window, naming
 * the record: Pulsar then delivers the window's records again, and dead-letters them after
 * --max-message-retries. An empty window (a time window with no messages) has the sum 0.
 */
#include "../../sdk/c/pulsar_wasm.h"

static void append(pw_bytes *out, const char *text, uint32_t len) {
    memcpy(out->ptr + out->len, text, len);
    out->len += len;
}

static void append_number(pw_bytes *out, int64_t n) {
    char digits[20];
    int count = 0;
    uint64_t v = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    do {
        digits[count++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (n < 0) append(out, "-", 1);
    while (count) out->ptr[out->len++] = (uint8_t)digits[--count];
}

/* The value as a number: 1, or 0 if it is not an optional '-' and 1 to 18 digits. */
static int parse(pw_bytes value, int64_t *number) {
    uint32_t at = value.len > 0 && value.ptr[0] == '-' ? 1 : 0;
    uint32_t digits = value.len - at;
    if (digits == 0 || digits > 18) return 0;
    int64_t n = 0;
    for (uint32_t i = at; i < value.len; i++) {
        if (value.ptr[i] < '0' || value.ptr[i] > '9') return 0;
        n = n * 10 + (value.ptr[i] - '0');
    }
    *number = at ? -n : n;
    return 1;
}

/* Fails the window: "window record <index>: value is not a whole number of at most 18 digits". */
static int bad_record(pw_output *out, uint32_t index) {
    pw_bytes why = {pw_alloc(80), 0};
    append(&why, "window record ", 14);
    append_number(&why, index);
    const char *text = ": value is not a whole number of at most 18 digits";
    append(&why, text, pw_strlen(text));
    why.ptr[why.len] = 0;
    return pw_fail(out, (const char *)why.ptr);
}

static int sum(pw_bytes input, pw_output *out) {
    pw_window window;
    if (pw_window_open(input, &window) < 0) return pw_fail(out, "the input is not a window: deploy with WasmWindowFunction");
    int64_t total = 0;
    pw_window_record record;
    int read;
    for (uint32_t index = 0; (read = pw_window_next(&window, &record)) == 1; index++) {
        int64_t number;
        if (!parse(record.value, &number)) return bad_record(out, index);
        if (__builtin_add_overflow(total, number, &total)) return pw_fail(out, "the sum is beyond a signed 64-bit number");
    }
    if (read < 0) return pw_fail(out, "the window is malformed");
    pw_bytes text = {pw_alloc(24), 0};
    append_number(&text, total);
    return pw_set(out, text);
}

PULSAR_FUNCTION(sum)
