/*
 * Native tests of sdk/c/pulsar_json.h (the JSON reader and writer of the C SDK); run.sh builds
 * and runs them with AddressSanitizer, so a read outside the text fails the run. Every input is
 * copied into a buffer of exactly its length (no NUL after it). Exit status: the failures (0: ok).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pulsar_json.h needs an allocator; pulsar_wasm.h's is the wasm arena, here it is malloc, never freed. */
static void *pw_alloc(uint32_t len) {
    void *ptr = malloc(len ? len : 1);
    if (ptr == NULL) abort();
    return ptr;
}

#include "../pulsar_json.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "json_test.c:%d: FAILED: %s\n", line, what);
    }
}

/* text (len bytes) in a buffer of exactly that size. */
static pw_bytes exact(const char *text, size_t len) {
    pw_bytes bytes = {pw_alloc((uint32_t)len), (uint32_t)len};
    memcpy(bytes.ptr, text, len);
    return bytes;
}

/* A C string in a buffer of exactly its size, without the NUL. */
static pw_bytes J(const char *text) { return exact(text, strlen(text)); }

/* Whether bytes are exactly the C string text. */
static int is(pw_bytes bytes, const char *text) {
    return bytes.ptr != NULL && bytes.len == strlen(text) && memcmp(bytes.ptr, text, bytes.len) == 0;
}

/* Like is, for expected text with NULs in it. */
static int is_n(pw_bytes bytes, const char *text, size_t len) {
    return bytes.ptr != NULL && bytes.len == len && memcmp(bytes.ptr, text, len) == 0;
}

static void test_writer(void) {
    pw_json_writer w;

    pw_json_writer_init(&w, 4);
    pw_json_begin_object(&w);
    pw_json_write_name(&w, "s");
    pw_json_write_string(&w, J("q\" b\\ s/ \b\f\n\r\t x\x01\x1f\x7f \xc3\xa9"));
    pw_json_write_name(&w, "na\"me\n");
    pw_json_write_null(&w);
    pw_json_end_object(&w);
    CHECK(is(pw_json_output(&w), "{\"s\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t x\\u0001\\u001f\x7f \xc3\xa9\",\"na\\\"me\\n\":null}"));

    pw_json_writer_init(&w, 0);
    pw_json_write_string(&w, exact("a\0b", 3));
    CHECK(is(pw_json_output(&w), "\"a\\u0000b\""));

    pw_json_writer_init(&w, 1);
    pw_json_begin_array(&w);
    pw_json_write_int(&w, 0);
    pw_json_write_int(&w, -1);
    pw_json_write_int(&w, 42);
    pw_json_write_int(&w, INT64_MIN);
    pw_json_write_int(&w, INT64_MAX);
    pw_json_write_bool(&w, 1);
    pw_json_write_bool(&w, 0);
    pw_json_write_null(&w);
    pw_json_end_array(&w);
    CHECK(is(pw_json_output(&w), "[0,-1,42,-9223372036854775808,9223372036854775807,true,false,null]"));

    pw_json_writer_init(&w, 8);
    pw_json_begin_object(&w);
    pw_json_write_name(&w, "a");
    pw_json_begin_array(&w);
    pw_json_end_array(&w);
    pw_json_write_name(&w, "b");
    pw_json_begin_object(&w);
    pw_json_end_object(&w);
    pw_json_write_name(&w, "c");
    pw_json_begin_array(&w);
    pw_json_begin_object(&w);
    pw_json_write_name(&w, "");
    pw_json_write_int(&w, 1);
    pw_json_end_object(&w);
    pw_json_begin_array(&w);
    pw_json_end_array(&w);
    pw_json_write_raw(&w, J("{\"x\": [1, 2]}"));
    pw_json_end_array(&w);
    pw_json_write_name_raw(&w, J("\"d\\u0065\""));
    pw_json_write_raw(&w, J("\"r\\u00e9\""));
    pw_json_end_object(&w);
    CHECK(is(pw_json_output(&w), "{\"a\":[],\"b\":{},\"c\":[{\"\":1},[],{\"x\": [1, 2]}],\"d\\u0065\":\"r\\u00e9\"}"));

    /* growth from nothing, and every byte through the writer and back through the reader */
    uint8_t all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    pw_bytes all_bytes = {all, 256};
    pw_json_writer_init(&w, 0);
    for (int i = 0; i < 100; i++) pw_json_write_string(&w, all_bytes);
    pw_bytes written = pw_json_output(&w);
    pw_bytes array = {pw_alloc(written.len + 2), written.len + 2};
    array.ptr[0] = '[';
    memcpy(array.ptr + 1, written.ptr, written.len);
    array.ptr[written.len + 1] = ']';
    pw_json_iter it;
    pw_bytes value;
    int n = 0, same = 1;
    CHECK(pw_json_elements(array, &it));
    while (pw_json_next_element(&it, &value)) {
        n++;
        same &= is_n(pw_json_string(value), (const char *)all, 256);
    }
    CHECK(n == 100 && same);
}

static void test_kinds(void) {
    CHECK(pw_json_kind(J("{}")) == PW_JSON_OBJECT);
    CHECK(pw_json_kind(J(" \t\r\n[ ] \n")) == PW_JSON_ARRAY);
    CHECK(pw_json_kind(J("\"\"")) == PW_JSON_STRING);
    CHECK(pw_json_kind(J("-1.5e+3")) == PW_JSON_NUMBER);
    CHECK(pw_json_kind(J("true")) == PW_JSON_BOOL);
    CHECK(pw_json_kind(J("false")) == PW_JSON_BOOL);
    CHECK(pw_json_kind(J("null")) == PW_JSON_NULL);
    pw_bytes absent = {NULL, 0};
    CHECK(pw_json_kind(absent) == PW_JSON_INVALID);
    const char *bad[] = {
        "", "   ", "{} {}", "1 2", "{}x", "tru", "nul", "nulll", "True", "+1", "01", "-01", "1.", ".5", "-",
        "1e", "1e+", "0x10", "1.e3", "{", "}", "[", "]", "[}", "{]", "{\"a\":1", "{\"a\" 1}", "{\"a\":}", "{,}",
        "{\"a\":1,}", "[1,]", "[,1]", "[1 2]", "{1:2}", "{a:1}", "{\"a\":1]", "[\"a\":1]", "{\"a\":1 \"b\":2}",
        "\"abc", "\"abc\\", "\"abc\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\\ud83d\"",
        "\"\\ud83dx\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\ud83d\\ud83d\"", "\"\\ud83d\\", "\"tab\there\"",
        "\"nl\nhere\"", "'a'", "NaN", "Infinity", "[1,2", "[[[]]", "{\"a\":{\"b\":[1,{\"c\":nul}]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (pw_json_kind(J(bad[i])) != PW_JSON_INVALID) {
            failures++;
            fprintf(stderr, "json_test.c: FAILED: malformed accepted: %s\n", bad[i]);
        }
        checks++;
    }
    CHECK(pw_json_kind(exact("\"a\0b\"", 5)) == PW_JSON_INVALID); /* a raw NUL is a control character */
}

static void test_strings(void) {
    pw_bytes s = pw_json_string(J(" \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\uD834\\uDD1E\\u0000!\" "));
    CHECK(is_n(s, "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9d\x84\x9e\0!", 24));
    CHECK(is(pw_json_string(J("\"\"")), ""));
    CHECK(is(pw_json_string(J("\"\xc3\xa9 raw\"")), "\xc3\xa9 raw"));
    CHECK(is(pw_json_string(J("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\\udbff\\udfff\"")),
             "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf"));
    CHECK(pw_json_string(J("1")).ptr == NULL);
    CHECK(pw_json_string(J("\"\\ud800\"")).ptr == NULL);
    CHECK(pw_json_string(J("\"a\" \"b\"")).ptr == NULL);

    uint8_t small[4];
    CHECK(pw_json_unescape(J("\"abcd\""), small, 4) == 4 && memcmp(small, "abcd", 4) == 0);
    CHECK(pw_json_unescape(J("\"abcde\""), small, 4) == -1);
    CHECK(pw_json_unescape(J("\"abc\\u00e9\""), small, 4) == -1);
    CHECK(pw_json_unescape(J("\"abc\\u00e9\""), NULL, 0) == 5);
    CHECK(pw_json_unescape(J("\"abc"), NULL, 0) == -1);

    CHECK(pw_json_string_is(J("\"name\""), "name"));
    CHECK(pw_json_string_is(J("\"n\\u0061me\""), "name"));
    CHECK(!pw_json_string_is(J("\"name\""), "nam"));
    CHECK(!pw_json_string_is(J("\"nam\""), "name"));
    CHECK(!pw_json_string_is(J("\"a\\u0000\""), "a"));
    CHECK(!pw_json_string_is(J("name"), "name"));
    CHECK(pw_json_string_is(J("\"\""), ""));
}

static void test_scalars(void) {
    int64_t n = 7;
    CHECK(pw_json_int(J("0"), &n) && n == 0);
    CHECK(pw_json_int(J("-0"), &n) && n == 0);
    CHECK(pw_json_int(J(" 36 "), &n) && n == 36);
    CHECK(pw_json_int(J("-42"), &n) && n == -42);
    CHECK(pw_json_int(J("9223372036854775807"), &n) && n == INT64_MAX);
    CHECK(pw_json_int(J("-9223372036854775808"), &n) && n == INT64_MIN);
    CHECK(pw_json_int(J("9223372036854775806"), &n) && n == INT64_MAX - 1);
    n = 7;
    CHECK(!pw_json_int(J("9223372036854775808"), &n) && n == 7);
    CHECK(!pw_json_int(J("-9223372036854775809"), &n) && n == 7);
    CHECK(!pw_json_int(J("18446744073709551616"), &n));
    CHECK(!pw_json_int(J("99999999999999999999999999"), &n));
    CHECK(!pw_json_int(J("1.0"), &n));
    CHECK(!pw_json_int(J("1e3"), &n));
    CHECK(!pw_json_int(J("1E3"), &n));
    CHECK(!pw_json_int(J("\"1\""), &n));
    CHECK(!pw_json_int(J("1x"), &n));
    CHECK(!pw_json_int(J(""), &n) && n == 7);

    int b = 7;
    CHECK(pw_json_bool(J("true"), &b) && b == 1);
    CHECK(pw_json_bool(J(" false "), &b) && b == 0);
    b = 7;
    CHECK(!pw_json_bool(J("null"), &b) && b == 7);
    CHECK(!pw_json_bool(J("1"), &b));
    CHECK(!pw_json_bool(J("truex"), &b));

    CHECK(pw_json_is_null(J("null")));
    CHECK(pw_json_is_null(J("\nnull\n")));
    CHECK(!pw_json_is_null(J("\"null\"")));
    CHECK(!pw_json_is_null(J("nul")));
}

static void test_objects(void) {
    pw_bytes doc = J(" { \"name\" : \"ada\" , \"age\":36,\"email\":null, \"o\": {\"x\":[1, 2]} ,\"e\":[], \"n\\u0061me\":2} ");
    const char *names[] = {"\"name\"", "\"age\"", "\"email\"", "\"o\"", "\"e\"", "\"n\\u0061me\""};
    const char *values[] = {"\"ada\"", "36", "null", "{\"x\":[1, 2]}", "[]", "2"};
    pw_json_iter it;
    pw_bytes name, value;
    int i = 0;
    CHECK(pw_json_members(doc, &it));
    while (pw_json_next_member(&it, &name, &value)) {
        CHECK(i < 6 && is(name, names[i]) && is(value, values[i]));
        i++;
    }
    CHECK(i == 6);
    CHECK(!pw_json_next_member(&it, &name, &value)); /* stays at the end */
    CHECK(!pw_json_next_element(&it, &value));       /* an object's iterator has no elements */

    CHECK(is(pw_json_get(doc, "name"), "\"ada\"")); /* the first of two */
    CHECK(is(pw_json_get(doc, "email"), "null"));
    CHECK(pw_json_get(doc, "missing").ptr == NULL);
    CHECK(pw_json_get(J("[1]"), "0").ptr == NULL);
    CHECK(pw_json_get(J("{\"a\":1"), "a").ptr == NULL); /* malformed: nothing, not even the first member */
    CHECK(is(pw_json_get(J("{\"a\\\"b\":1}"), "a\"b"), "1"));

    CHECK(pw_json_members(J("{}"), &it) && !pw_json_next_member(&it, &name, &value));
    CHECK(pw_json_elements(J("[ ]"), &it) && !pw_json_next_element(&it, &value));
    CHECK(!pw_json_members(J("[]"), &it) && !pw_json_next_member(&it, &name, &value));
    CHECK(!pw_json_elements(J("{}"), &it) && !pw_json_next_element(&it, &value));
    CHECK(!pw_json_members(J("{\"a\":1,}"), &it) && !pw_json_next_member(&it, &name, &value));

    /* an iterator made by hand, past its text's end: nothing read (ASan checks no byte beyond) */
    pw_bytes short_text = J("{\"a\":1}");
    pw_json_iter beyond = {short_text, short_text.len + 1, 1, 0};
    CHECK(!pw_json_next_member(&beyond, &name, &value));
    pw_json_iter far_beyond = {short_text, 0xFFFFFFF0u, 0, 0};
    CHECK(!pw_json_next_element(&far_beyond, &value));

    pw_bytes array = J("[1, \"two\" ,[3],{},true,null,-2.5]");
    const char *elements[] = {"1", "\"two\"", "[3]", "{}", "true", "null", "-2.5"};
    i = 0;
    CHECK(pw_json_elements(array, &it));
    while (pw_json_next_element(&it, &value)) {
        CHECK(i < 7 && is(value, elements[i]));
        i++;
    }
    CHECK(i == 7);
    CHECK(!pw_json_next_member(&it, &name, &value));
    CHECK(is(pw_json_element(array, 2), "[3]"));
    CHECK(pw_json_element(array, 7).ptr == NULL);
}

static void test_paths(void) {
    pw_bytes doc = J("{\"a\":{\"b\":{\"c\":[10,{\"d\":\"x\"},[true]]}},\"0\":\"zero\",\"\":{\"\":5},\"a.b\":1}");
    int64_t n;
    CHECK(is(pw_json_path(doc, "a.b.c.1.d"), "\"x\""));
    CHECK(pw_json_string_is(pw_json_path(doc, "a.b.c.1.d"), "x"));
    CHECK(pw_json_int(pw_json_path(doc, "a.b.c.0"), &n) && n == 10);
    CHECK(is(pw_json_path(doc, "a.b.c.2.0"), "true"));
    CHECK(is(pw_json_path(doc, "a.b.c"), "[10,{\"d\":\"x\"},[true]]"));
    CHECK(is(pw_json_path(doc, "0"), "\"zero\"")); /* a digit step in an object is a name */
    CHECK(is(pw_json_path(doc, "."), "5"));        /* the empty name, twice */
    CHECK(is(pw_json_member(doc, J("a.b")), "1"));
    CHECK(pw_json_path(doc, "a.b.c.3").ptr == NULL);
    CHECK(pw_json_path(doc, "a.b.c.x").ptr == NULL);
    CHECK(pw_json_path(doc, "a.b.c.-1").ptr == NULL);
    CHECK(pw_json_path(doc, "a.b.c.01x").ptr == NULL);
    CHECK(pw_json_path(doc, "a.b.c.99999999999").ptr == NULL);
    CHECK(pw_json_path(doc, "a.x.c").ptr == NULL);
    CHECK(pw_json_path(doc, "a.b.c.1.d.e").ptr == NULL);
    CHECK(pw_json_path(doc, "a.").ptr == NULL);
    pw_bytes absent = {NULL, 0};
    CHECK(pw_json_path(absent, "a").ptr == NULL);
    CHECK(pw_json_path(J(""), "0").ptr == NULL);
    CHECK(pw_json_path(J("   "), "0").ptr == NULL);
    CHECK(is(pw_json_path(J(" [ 7 ] "), "0"), "7"));
}

/* Visits every value in value through the public API; returns how many, or -1 if anything is invalid. */
static int walk(pw_bytes value, int depth) {
    pw_json_iter it;
    pw_bytes name, inner;
    int64_t n;
    int b, count = 1, r;
    switch (pw_json_kind(value)) {
    case PW_JSON_OBJECT:
        pw_json_members(value, &it);
        while (pw_json_next_member(&it, &name, &inner)) {
            if (pw_json_string(name).ptr == NULL || (r = walk(inner, depth + 1)) < 0) return -1;
            count += r;
        }
        return count;
    case PW_JSON_ARRAY:
        pw_json_elements(value, &it);
        while (pw_json_next_element(&it, &inner)) {
            if ((r = walk(inner, depth + 1)) < 0) return -1;
            count += r;
        }
        return count;
    case PW_JSON_STRING: return pw_json_string(value).ptr ? 1 : -1;
    case PW_JSON_NUMBER: pw_json_int(value, &n); return 1;
    case PW_JSON_BOOL: return pw_json_bool(value, &b) ? 1 : -1;
    case PW_JSON_NULL: return pw_json_is_null(value) ? 1 : -1;
    default: return -1;
    }
}

static void test_malformed(void) {
    /* every cut of a valid document is malformed, and every reader gives nothing on it */
    const char *text = "{\"user\":{\"name\":\"a\\u00e9\\ud83d\\ude00\\n\",\"tags\":[\"x\",[],{}],\"n\":-12.5e-3,"
                       "\"ok\":true,\"no\":false,\"none\":null,\"id\":9223372036854775807}}";
    pw_bytes whole = J(text);
    CHECK(walk(whole, 0) == 12);
    CHECK(is(pw_json_path(whole, "user.tags.0"), "\"x\""));
    for (size_t len = 0; len < strlen(text); len++) {
        pw_bytes cut = exact(text, len);
        pw_json_iter it;
        pw_bytes name, value;
        int ok = pw_json_kind(cut) == PW_JSON_INVALID && !pw_json_members(cut, &it)
              && !pw_json_next_member(&it, &name, &value) && pw_json_get(cut, "user").ptr == NULL
              && pw_json_path(cut, "user.id").ptr == NULL && walk(cut, 0) == -1;
        if (!ok) fprintf(stderr, "json_test.c: FAILED: cut at %zu read as a value\n", len);
        failures += !ok;
        checks++;
    }

    /* nesting: PW_JSON_MAX_DEPTH levels are fine, one more is not, and a very deep text neither */
    char deep[2 * (PW_JSON_MAX_DEPTH + 1)];
    for (int i = 0; i < PW_JSON_MAX_DEPTH + 1; i++) {
        deep[i] = '[';
        deep[2 * (PW_JSON_MAX_DEPTH + 1) - 1 - i] = ']';
    }
    CHECK(pw_json_kind(exact(deep + 1, 2 * PW_JSON_MAX_DEPTH)) == PW_JSON_ARRAY);
    CHECK(pw_json_kind(exact(deep, sizeof deep)) == PW_JSON_INVALID);
    CHECK(pw_json_element(exact(deep, sizeof deep), 0).ptr == NULL);
    size_t huge_len = 1000000;
    char *huge = malloc(huge_len);
    for (size_t i = 0; i < huge_len; i++) huge[i] = '[';
    CHECK(pw_json_kind(exact(huge, huge_len)) == PW_JSON_INVALID);
    for (size_t i = 0; i < huge_len; i++) huge[i] = i % 6 == 0 ? '{' : "{\"a\":["[i % 6];
    CHECK(pw_json_kind(exact(huge, huge_len)) == PW_JSON_INVALID);
    free(huge);

    /* random damage to a valid document: readers may see a value or not, but stay in bounds (ASan) */
    uint32_t seed = 12345;
    size_t len = strlen(text);
    const char alphabet[] = "{}[]\",:\\u0123456789abcdefABCDEF-+.eE tfnrl\x01\x7f\xc3";
    for (int round = 0; round < 20000; round++) {
        char *copy = malloc(len);
        memcpy(copy, text, len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
        }
        seed = seed * 1103515245u + 12345u;
        pw_bytes damaged = exact(copy, round % 3 ? len : (seed >> 8) % len);
        free(copy);
        int kind = pw_json_kind(damaged);
        int r = walk(damaged, 0);
        checks++;
        if ((kind == PW_JSON_INVALID) != (r == -1)) {
            failures++;
            fprintf(stderr, "json_test.c: FAILED: kind and walk disagree on round %d\n", round);
        }
        pw_json_path(damaged, "user.tags.1");
        pw_json_get(damaged, "user");
    }
}

int main(void) {
    test_writer();
    test_kinds();
    test_strings();
    test_scalars();
    test_objects();
    test_paths();
    test_malformed();
    printf("json_test: %d checks, %d failed\n", checks, failures);
    return failures != 0;
}
