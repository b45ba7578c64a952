/*
 * JSON for pulsar-wasm guests in C: a reader and a writer for record functions, whose input and
 * output are JSON text. Freestanding (no libc, no wasm imports): pulsar_wasm.h includes it; a
 * native program (sdk/c/test/json_test.c) may include it alone after defining pw_alloc.
 *
 * Reading. A JSON value is a pw_bytes span of text (whitespace around it allowed). The readers
 * allocate nothing (except pw_json_string, which copies), never read outside the span, and
 * validate what they look at: malformed text, or text nested deeper than PW_JSON_MAX_DEPTH, reads
 * as PW_JSON_INVALID, absent (ptr NULL) or 0, never as a value.
 *
 *   pw_bytes age = pw_json_get(input, "age");            // or pw_json_path(input, "user.emails.0")
 *   int64_t n;
 *   if (pw_json_int(age, &n)) ...
 *   pw_json_iter it;  pw_bytes name, value;
 *   if (pw_json_members(input, &it)) while (pw_json_next_member(&it, &name, &value)) ...
 *
 * Writing. pw_json_writer builds text in memory from pw_alloc, growing as needed; it places the
 * commas and colons, escapes strings, and trusts the caller to nest begin/end and to give objects
 * a name before each value.
 *
 *   pw_json_writer w;
 *   pw_json_writer_init(&w, 256);
 *   pw_json_begin_object(&w);
 *   pw_json_write_name(&w, "ok");  pw_json_write_bool(&w, 1);
 *   pw_json_end_object(&w);
 *   return pw_set(out, pw_json_output(&w));                // {"ok":true}
 *
 * Text is UTF-8; bytes from 0x80 up are copied as they are both ways (not checked).
 *
 * Positions are compared with == and != where they move one byte at a time up to a length (never
 * past it): Endive, on JDK 17, routes wasm's i32.ge_u through a deliberately megamorphic call (its
 * workaround for a JIT bug), and clang emits that instruction for most >= and < on unsigned values.
 */
#ifndef PULSAR_JSON_H
#define PULSAR_JSON_H

#include <stdint.h>
#include <stddef.h>

#ifndef PW_BYTES_DEFINED
#define PW_BYTES_DEFINED
/* A byte string; ptr is NULL only for "absent". */
typedef struct {
    uint8_t *ptr;
    uint32_t len;
} pw_bytes;
#endif

/* n bytes that live until the current process call returns: pulsar_wasm.h defines it; a native
 * program defines its own before including this header. Never returns NULL. */
static void *pw_alloc(uint32_t len);

/* How deeply objects and arrays may nest; deeper text is malformed (the reader recurses once per level). */
#ifndef PW_JSON_MAX_DEPTH
#define PW_JSON_MAX_DEPTH 64
#endif

/* The larger readers and writers stay functions of their own, not inlined into the caller: a wasm
 * function becomes one JVM method, and HotSpot does not compile a method over 8,000 bytes of
 * bytecode, so a process function with the JSON code inlined into it ran three times slower. */
#ifndef PW_JSON_OUTLINE
#define PW_JSON_OUTLINE static __attribute__((noinline))
#endif

/* What a JSON value is (pw_json_kind). */
enum { PW_JSON_INVALID = 0, PW_JSON_NULL, PW_JSON_BOOL, PW_JSON_NUMBER, PW_JSON_STRING, PW_JSON_ARRAY, PW_JSON_OBJECT };

/* A cursor over the members of an object or the elements of an array (pw_json_members, pw_json_elements). */
typedef struct {
    pw_bytes text;  /* the text of the object or array */
    uint32_t at;    /* where reading goes on */
    uint8_t object; /* 1: members of an object; 0: elements of an array */
    uint8_t state;  /* 0: before the first; 1: after one; 2: at the end */
} pw_json_iter;

/* ---- reading: the parts ---- */

/* A NUL-terminated string as bytes (not copied). */
static pw_bytes pw_json_cstr(const char *text) {
    pw_bytes bytes = {(uint8_t *)text, 0};
    while (text[bytes.len]) bytes.len++;
    return bytes;
}

/* Moves *at past whitespace. Throughout the reader, *at <= text.len. */
static void pw_json_space(pw_bytes text, uint32_t *at) {
    uint32_t i = *at; /* (a local: a store through at could change text, as far as the compiler knows) */
    while (i != text.len) {
        uint8_t c = text.ptr[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        i++;
    }
    *at = i;
}

/* Whether the text at *at is word (true, false, null); if so, moves past it. */
static int pw_json_word(pw_bytes text, uint32_t *at, const char *word) {
    uint32_t i = 0;
    for (; word[i]; i++) {
        if (*at + i == text.len || text.ptr[*at + i] != (uint8_t)word[i]) return 0;
    }
    *at += i;
    return 1;
}

/* Moves *at past decimal digits; returns how many there were. */
static uint32_t pw_json_digits(pw_bytes text, uint32_t *at) {
    uint32_t start = *at, i = start;
    while (i != text.len && text.ptr[i] >= '0' && text.ptr[i] <= '9') i++;
    *at = i;
    return i - start;
}

/* Moves *at past a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; 0 if there is none. */
static int pw_json_number(pw_bytes text, uint32_t *at) {
    uint32_t i = *at;
    if (i != text.len && text.ptr[i] == '-') i++;
    uint32_t first = i;
    uint32_t digits = pw_json_digits(text, &i);
    if (digits == 0 || (digits > 1 && text.ptr[first] == '0')) return 0;
    if (i != text.len && text.ptr[i] == '.') {
        i++;
        if (pw_json_digits(text, &i) == 0) return 0;
    }
    if (i != text.len && (text.ptr[i] == 'e' || text.ptr[i] == 'E')) {
        i++;
        if (i != text.len && (text.ptr[i] == '+' || text.ptr[i] == '-')) i++;
        if (pw_json_digits(text, &i) == 0) return 0;
    }
    *at = i;
    return 1;
}

/* Reads the 4 hex digits of a \u escape at *at into *unit and moves past them; 0 if they are not there. */
static int pw_json_hex4(pw_bytes text, uint32_t *at, uint32_t *unit) {
    if (text.len - *at < 4) return 0;
    *unit = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = text.ptr[(*at)++];
        uint32_t digit = c >= '0' && c <= '9' ? c - '0'
                       : c >= 'a' && c <= 'f' ? c - 'a' + 10
                       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
        if (digit == 16) return 0;
        *unit = *unit << 4 | digit;
    }
    return 1;
}

/* Reads one character of a string at *at (inside the quotes) into out as UTF-8 and moves past it.
 * Returns its length in bytes (1 to 4); 0 at the closing quote (moved past it); -1 if malformed:
 * the text ends, a control character, an unknown escape, bad hex, a lone surrogate. */
static int pw_json_char(pw_bytes text, uint32_t *at, uint8_t out[4]) {
    if (*at == text.len) return -1;
    uint8_t c = text.ptr[(*at)++];
    if (c == '"') return 0;
    if (c < 0x20) return -1;
    if (c != '\\') {
        out[0] = c;
        return 1;
    }
    if (*at == text.len) return -1;
    c = text.ptr[(*at)++];
    switch (c) {
    case '"': case '\\': case '/': out[0] = c; return 1;
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default: return -1;
    }
    uint32_t code, low;
    if (!pw_json_hex4(text, at, &code) || (code >= 0xDC00 && code <= 0xDFFF)) return -1;
    if (code >= 0xD800 && code <= 0xDBFF) { /* a high surrogate: a low one must follow */
        if (text.len - *at < 2 || text.ptr[*at] != '\\' || text.ptr[*at + 1] != 'u') return -1;
        *at += 2;
        if (!pw_json_hex4(text, at, &low) || low < 0xDC00 || low > 0xDFFF) return -1;
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    /* UTF-8: a lead byte, then 6 bits per continuation byte */
    static const uint8_t lead[] = {0, 0x00, 0xC0, 0xE0, 0xF0};
    int n = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (int i = n - 1; i > 0; i--, code >>= 6) out[i] = (uint8_t)(0x80 | (code & 0x3F));
    out[0] = (uint8_t)(lead[n] | code);
    return n;
}

/* Declared here for pw_json_step, which recurses through it; defined below. */
static int pw_json_skip(pw_bytes text, uint32_t *at, int depth);

/* Reads the next member (name and value) or element (value only) of it, validating it, at nesting
 * depth. Returns 1 if it read one, 0 at the end (past the '}' or ']'), -1 if the text is malformed.
 * name and value are the exact text of each, without the whitespace around them. */
static int pw_json_step(pw_json_iter *it, pw_bytes *name, pw_bytes *value, int depth) {
    if (it->state == 2) return 0;
    if (it->at > it->text.len) return -1; /* an iterator not made by pw_json_members or pw_json_elements */
    pw_json_space(it->text, &it->at);
    if (it->at == it->text.len) return -1;
    if (it->text.ptr[it->at] == (it->object ? '}' : ']')) {
        it->at++;
        it->state = 2;
        return 0;
    }
    if (it->state == 1) {
        if (it->text.ptr[it->at] != ',') return -1;
        it->at++;
    }
    if (it->object) {
        pw_json_space(it->text, &it->at);
        uint32_t start = it->at;
        if (start == it->text.len || it->text.ptr[start] != '"' || !pw_json_skip(it->text, &it->at, depth)) return -1;
        name->ptr = it->text.ptr + start;
        name->len = it->at - start;
        pw_json_space(it->text, &it->at);
        if (it->at == it->text.len || it->text.ptr[it->at] != ':') return -1;
        it->at++;
    }
    pw_json_space(it->text, &it->at);
    uint32_t start = it->at;
    if (!pw_json_skip(it->text, &it->at, depth)) return -1;
    value->ptr = it->text.ptr + start;
    value->len = it->at - start;
    it->state = 1;
    return 1;
}

/* Moves *at past whitespace and one JSON value, validating it; 0 if it is malformed or an object or
 * array in it would sit deeper than PW_JSON_MAX_DEPTH (depth is the value's own: 0 at the top). */
static int pw_json_skip(pw_bytes text, uint32_t *at, int depth) {
    pw_json_space(text, at);
    if (*at == text.len) return 0;
    uint8_t c = text.ptr[*at];
    if (c == '"') { /* the plain characters in one loop; an escape through pw_json_char */
        uint8_t out[4];
        uint32_t i = *at + 1;
        while (i != text.len) { /* (!=, not <: i never passes text.len) */
            c = text.ptr[i];
            if (c == '"') {
                *at = i + 1;
                return 1;
            }
            if (c == '\\') {
                if (pw_json_char(text, &i, out) < 0) return 0;
            } else if (c < 0x20) {
                return 0;
            } else {
                i++;
            }
        }
        return 0;
    }
    if (c == '{' || c == '[') {
        if (depth >= PW_JSON_MAX_DEPTH) return 0;
        pw_json_iter it = {text, *at + 1, c == '{', 0};
        pw_bytes name, value;
        int r;
        while ((r = pw_json_step(&it, &name, &value, depth + 1)) > 0) {}
        *at = it.at;
        return r == 0;
    }
    if (c == 't') return pw_json_word(text, at, "true");
    if (c == 'f') return pw_json_word(text, at, "false");
    if (c == 'n') return pw_json_word(text, at, "null");
    return pw_json_number(text, at);
}

/* Where value's first character is (past leading whitespace). */
static uint32_t pw_json_start(pw_bytes value) {
    uint32_t at = 0;
    pw_json_space(value, &at);
    return at;
}

/* ---- reading: the API ---- */

/* What value holds, validating all of it: PW_JSON_OBJECT, _ARRAY, _STRING, _NUMBER, _BOOL, _NULL;
 * PW_JSON_INVALID if value is absent, empty, malformed, too deep, or more than one value. */
PW_JSON_OUTLINE int pw_json_kind(pw_bytes value) {
    uint32_t at = 0;
    if (value.ptr == NULL || !pw_json_skip(value, &at, 0)) return PW_JSON_INVALID;
    pw_json_space(value, &at);
    if (at != value.len) return PW_JSON_INVALID;
    switch (value.ptr[pw_json_start(value)]) {
    case '{': return PW_JSON_OBJECT;
    case '[': return PW_JSON_ARRAY;
    case '"': return PW_JSON_STRING;
    case 't': case 'f': return PW_JSON_BOOL;
    case 'n': return PW_JSON_NULL;
    default: return PW_JSON_NUMBER;
    }
}

/* Starts it inside value if value is a well-formed object (PW_JSON_OBJECT) or array (PW_JSON_ARRAY) as
 * kind says; if not, returns 0 and it reads nothing. */
PW_JSON_OUTLINE int pw_json_open(pw_bytes value, int kind, pw_json_iter *it) {
    pw_json_iter start = {value, pw_json_start(value) + 1, kind == PW_JSON_OBJECT, 0};
    if (pw_json_kind(value) != kind) start.state = 2;
    *it = start;
    return start.state == 0;
}

/* Starts it on the members of object; 0 (and it reads nothing) if object is not a well-formed object. */
static int pw_json_members(pw_bytes object, pw_json_iter *it) { return pw_json_open(object, PW_JSON_OBJECT, it); }

/* Starts it on the elements of array; 0 (and it reads nothing) if array is not a well-formed array. */
static int pw_json_elements(pw_bytes array, pw_json_iter *it) { return pw_json_open(array, PW_JSON_ARRAY, it); }

/* The next member of an object, in text order: name is its name as a JSON string, quotes included
 * (compare it with pw_json_string_is, decode it with pw_json_string), value its value's text.
 * Returns 0 after the last one (or on an array's iterator). */
static int pw_json_next_member(pw_json_iter *it, pw_bytes *name, pw_bytes *value) {
    return it->object && pw_json_step(it, name, value, 1) > 0;
}

/* The next element of an array, its text in value; 0 after the last one (or on an object's iterator). */
static int pw_json_next_element(pw_json_iter *it, pw_bytes *value) {
    pw_bytes unused;
    return !it->object && pw_json_step(it, &unused, value, 1) > 0;
}

/* If value is a JSON string without escapes (whitespace around it allowed), sets *content to the
 * bytes between its quotes (not copied) and returns 1; else 0: the fast path of the readers below,
 * which go through pw_json_char only for the strings this refuses. */
PW_JSON_OUTLINE int pw_json_plain(pw_bytes value, pw_bytes *content) {
    if (value.ptr == NULL) return 0;
    uint32_t at = pw_json_start(value);
    if (at == value.len || value.ptr[at] != '"') return 0;
    uint32_t end = at + 1;
    for (;; end++) { /* (!=, not <: end never passes value.len) */
        if (end == value.len) return 0;
        uint8_t c = value.ptr[end];
        if (c == '"') break;
        if (c == '\\' || c < 0x20) return 0;
    }
    uint32_t after = end + 1;
    pw_json_space(value, &after);
    if (after != value.len) return 0;
    content->ptr = value.ptr + at + 1;
    content->len = end - at - 1;
    return 1;
}

/* Whether value is a JSON string whose unescaped content is exactly the bytes text. */
PW_JSON_OUTLINE int pw_json_string_equals(pw_bytes value, pw_bytes text) {
    pw_bytes plain;
    if (pw_json_plain(value, &plain)) {
        if (plain.len != text.len) return 0;
        for (uint32_t i = 0; i != plain.len; i++) {
            if (plain.ptr[i] != text.ptr[i]) return 0;
        }
        return 1;
    }
    if (pw_json_kind(value) != PW_JSON_STRING) return 0;
    uint32_t at = pw_json_start(value) + 1, i = 0;
    uint8_t out[4];
    int n;
    while ((n = pw_json_char(value, &at, out)) > 0) {
        for (int k = 0; k < n; k++, i++) {
            if (i == text.len || text.ptr[i] != out[k]) return 0;
        }
    }
    return n == 0 && i == text.len;
}

/* Whether value is a JSON string whose unescaped content is the C string text. */
static int pw_json_string_is(pw_bytes value, const char *text) { return pw_json_string_equals(value, pw_json_cstr(text)); }

/* The value of object's member name (the first, if the name repeats); absent if object is not a
 * well-formed object or has no such member. */
PW_JSON_OUTLINE pw_bytes pw_json_member(pw_bytes object, pw_bytes name) {
    pw_json_iter it;
    pw_bytes key, value, none = {NULL, 0};
    pw_json_members(object, &it);
    while (pw_json_next_member(&it, &key, &value)) {
        if (pw_json_string_equals(key, name)) return value;
    }
    return none;
}

/* pw_json_member with a C string name. */
static pw_bytes pw_json_get(pw_bytes object, const char *name) { return pw_json_member(object, pw_json_cstr(name)); }

/* Element index (from 0) of array; absent if array is not a well-formed array or is shorter. */
PW_JSON_OUTLINE pw_bytes pw_json_element(pw_bytes array, uint32_t index) {
    pw_json_iter it;
    pw_bytes value, none = {NULL, 0};
    pw_json_elements(array, &it);
    for (uint32_t i = 0; pw_json_next_element(&it, &value); i++) {
        if (i == index) return value;
    }
    return none;
}

/* The value at path in value: steps separated by '.', each a member name or, in an array, a
 * decimal index: "user.emails.0". Absent if a step is missing or the text is malformed. (A name
 * with a '.' in it needs pw_json_member.) */
PW_JSON_OUTLINE pw_bytes pw_json_path(pw_bytes value, const char *path) {
    pw_bytes step = {(uint8_t *)path, 0};
    for (;;) {
        while (step.ptr[step.len] && step.ptr[step.len] != '.') step.len++;
        uint32_t index = 0, digits = 0;
        while (digits < step.len && digits < 9 && step.ptr[digits] >= '0' && step.ptr[digits] <= '9') {
            index = index * 10 + (step.ptr[digits++] - '0');
        }
        uint32_t first = pw_json_start(value);
        int in_array = first != value.len && value.ptr[first] == '[';
        if (in_array && (digits == 0 || digits != step.len)) value.ptr = NULL;
        else value = in_array ? pw_json_element(value, index) : pw_json_member(value, step);
        if (value.ptr == NULL || step.ptr[step.len] == 0) return value;
        step.ptr += step.len + 1;
        step.len = 0;
    }
}

/* Unescapes the JSON string value into dst (at most cap bytes) as UTF-8 and returns its length;
 * -1 if value is not a well-formed string, or if it does not fit. With dst NULL, only measures. */
PW_JSON_OUTLINE int64_t pw_json_unescape(pw_bytes value, uint8_t *dst, uint32_t cap) {
    if (pw_json_kind(value) != PW_JSON_STRING) return -1;
    uint32_t at = pw_json_start(value) + 1, len = 0;
    uint8_t out[4];
    int n;
    while ((n = pw_json_char(value, &at, out)) > 0) {
        if (dst != NULL) {
            if (cap - len < (uint32_t)n) return -1;
            for (int k = 0; k < n; k++) dst[len + k] = out[k];
        }
        len += (uint32_t)n;
    }
    return len;
}

/* The JSON string value unescaped, as UTF-8, in memory from pw_alloc (yours to change); absent if
 * value is not a well-formed string. */
PW_JSON_OUTLINE pw_bytes pw_json_string(pw_bytes value) {
    pw_bytes text = {NULL, 0}, plain;
    if (pw_json_plain(value, &plain)) {
        text.ptr = (uint8_t *)pw_alloc(plain.len);
        text.len = plain.len;
        for (uint32_t i = 0; i != plain.len; i++) text.ptr[i] = plain.ptr[i];
        return text;
    }
    int64_t len = pw_json_unescape(value, NULL, 0);
    if (len >= 0) {
        text.ptr = (uint8_t *)pw_alloc((uint32_t)len);
        text.len = (uint32_t)len;
        pw_json_unescape(value, text.ptr, text.len);
    }
    return text;
}

/* Reads value, an integer (no fraction, no exponent) from -2^63 to 2^63-1, into *out; 0 if it is
 * anything else, *out unchanged. */
PW_JSON_OUTLINE int pw_json_int(pw_bytes value, int64_t *out) {
    if (pw_json_kind(value) != PW_JSON_NUMBER) return 0;
    uint32_t at = pw_json_start(value);
    int negative = value.ptr[at] == '-';
    at += (uint32_t)negative;
    uint64_t limit = negative ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1, n = 0;
    for (; at != value.len && value.ptr[at] >= '0' && value.ptr[at] <= '9'; at++) {
        uint32_t digit = value.ptr[at] - '0';
        if (n > (limit - digit) / 10) return 0;
        n = n * 10 + digit;
    }
    if (at != value.len && (value.ptr[at] == '.' || value.ptr[at] == 'e' || value.ptr[at] == 'E')) return 0;
    *out = negative && n != 0 ? -(int64_t)(n - 1) - 1 : (int64_t)n;
    return 1;
}

/* Reads value, true or false, into *out as 1 or 0; 0 if it is anything else, *out unchanged. */
PW_JSON_OUTLINE int pw_json_bool(pw_bytes value, int *out) {
    if (pw_json_kind(value) != PW_JSON_BOOL) return 0;
    *out = value.ptr[pw_json_start(value)] == 't';
    return 1;
}

/* Whether value is null. */
static int pw_json_is_null(pw_bytes value) { return pw_json_kind(value) == PW_JSON_NULL; }

/* ---- writing ---- */

/* JSON text under construction (pw_json_writer_init). */
typedef struct {
    pw_bytes out; /* the text so far */
    uint32_t cap; /* the bytes at out.ptr */
    int comma;    /* whether a ',' goes before the next name or value */
} pw_json_writer;

/* Starts w empty, with room for capacity bytes to begin with. */
static void pw_json_writer_init(pw_json_writer *w, uint32_t capacity) {
    w->out.ptr = (uint8_t *)pw_alloc(capacity);
    w->out.len = 0;
    w->cap = capacity;
    w->comma = 0;
}

/* The text written so far (it lives as long as memory from pw_alloc). */
static pw_bytes pw_json_output(const pw_json_writer *w) { return w->out; }

/* Appends n bytes to w's text and returns where they go, moving the text to twice the room when full. */
PW_JSON_OUTLINE uint8_t *pw_json_room(pw_json_writer *w, uint32_t n) {
    if (w->cap - w->out.len < n) {
        uint64_t cap = (uint64_t)w->cap * 2 + n;
        if (cap > 0xFFFFFFFFu) __builtin_trap();
        uint8_t *ptr = (uint8_t *)pw_alloc((uint32_t)cap);
        for (uint32_t i = 0; i < w->out.len; i++) ptr[i] = w->out.ptr[i];
        w->out.ptr = ptr;
        w->cap = (uint32_t)cap;
    }
    w->out.len += n;
    return w->out.ptr + w->out.len - n;
}

/* Appends len bytes as they are. */
PW_JSON_OUTLINE void pw_json_put(pw_json_writer *w, const uint8_t *ptr, uint32_t len) {
    uint8_t *to = pw_json_room(w, len);
    for (uint32_t i = 0; i < len; i++) to[i] = ptr[i];
}

/* Appends the ',' that separates a name or value from the one before it, if any. */
static void pw_json_separate(pw_json_writer *w) {
    if (w->comma) *pw_json_room(w, 1) = ',';
    w->comma = 1;
}

/* Appends text as a JSON string: quoted; '"', '\\' and control characters escaped
 * (\b \f \n \r \t, the others as \u00xx); everything else as it is. */
PW_JSON_OUTLINE void pw_json_quote(pw_json_writer *w, pw_bytes text) {
    static const char hex[] = "0123456789abcdef";
    uint32_t plain = 0; /* the first character that needs an escape, or text.len */
    while (plain != text.len && text.ptr[plain] != '"' && text.ptr[plain] != '\\' && text.ptr[plain] >= 0x20) plain++;
    if (plain == text.len) { /* none: one reservation, one copy */
        uint8_t *to = pw_json_room(w, text.len + 2);
        to[0] = '"';
        for (uint32_t i = 0; i != text.len; i++) to[i + 1] = text.ptr[i];
        to[text.len + 1] = '"';
        return;
    }
    *pw_json_room(w, 1) = '"';
    for (uint32_t i = 0; i != text.len; i++) {
        uint8_t c = text.ptr[i];
        uint8_t short_escape = c == '"' ? '"' : c == '\\' ? '\\' : c == '\b' ? 'b' : c == '\f' ? 'f'
                             : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
        if (short_escape) {
            uint8_t *to = pw_json_room(w, 2);
            to[0] = '\\';
            to[1] = short_escape;
        } else if (c < 0x20) {
            uint8_t *to = pw_json_room(w, 6);
            to[0] = '\\'; to[1] = 'u'; to[2] = '0'; to[3] = '0';
            to[4] = (uint8_t)hex[c >> 4];
            to[5] = (uint8_t)hex[c & 15];
        } else {
            *pw_json_room(w, 1) = c;
        }
    }
    *pw_json_room(w, 1) = '"';
}

/* Opens an object: then a name and a value per member, then pw_json_end_object. */
static void pw_json_begin_object(pw_json_writer *w) {
    pw_json_separate(w);
    *pw_json_room(w, 1) = '{';
    w->comma = 0;
}

/* Closes the innermost object. */
static void pw_json_end_object(pw_json_writer *w) {
    *pw_json_room(w, 1) = '}';
    w->comma = 1;
}

/* Opens an array: then its elements, then pw_json_end_array. */
static void pw_json_begin_array(pw_json_writer *w) {
    pw_json_separate(w);
    *pw_json_room(w, 1) = '[';
    w->comma = 0;
}

/* Closes the innermost array. */
static void pw_json_end_array(pw_json_writer *w) {
    *pw_json_room(w, 1) = ']';
    w->comma = 1;
}

/* Writes the name of the next member of an object (escaped). */
PW_JSON_OUTLINE void pw_json_write_name(pw_json_writer *w, const char *name) {
    pw_json_separate(w);
    pw_json_quote(w, pw_json_cstr(name));
    *pw_json_room(w, 1) = ':';
    w->comma = 0;
}

/* Writes the name of the next member given as a JSON string, quotes included, as it is (as
 * pw_json_next_member reads it). */
PW_JSON_OUTLINE void pw_json_write_name_raw(pw_json_writer *w, pw_bytes name) {
    pw_json_separate(w);
    pw_json_put(w, name.ptr, name.len);
    *pw_json_room(w, 1) = ':';
    w->comma = 0;
}

/* Writes text (UTF-8) as a JSON string, escaped. */
PW_JSON_OUTLINE void pw_json_write_string(pw_json_writer *w, pw_bytes text) {
    pw_json_separate(w);
    pw_json_quote(w, text);
}

/* Writes an integer. */
PW_JSON_OUTLINE void pw_json_write_int(pw_json_writer *w, int64_t value) {
    uint8_t digits[20];
    uint32_t at = sizeof digits;
    uint64_t rest = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[--at] = (uint8_t)('0' + rest % 10);
        rest /= 10;
    } while (rest);
    pw_json_separate(w);
    if (value < 0) *pw_json_room(w, 1) = '-';
    pw_json_put(w, digits + at, sizeof digits - at);
}

/* Writes true (value non-zero) or false. */
static void pw_json_write_bool(pw_json_writer *w, int value) {
    pw_json_separate(w);
    if (value) pw_json_put(w, (const uint8_t *)"true", 4); else pw_json_put(w, (const uint8_t *)"false", 5);
}

/* Writes null. */
static void pw_json_write_null(pw_json_writer *w) {
    pw_json_separate(w);
    pw_json_put(w, (const uint8_t *)"null", 4);
}

/* Writes json, the text of one JSON value (as the reader hands it out), as it is: not checked. */
PW_JSON_OUTLINE void pw_json_write_raw(pw_json_writer *w, pw_bytes json) {
    pw_json_separate(w);
    pw_json_put(w, json.ptr, json.len);
}

#endif
