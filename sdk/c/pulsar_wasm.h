/*
 * Guest SDK for pulsar-wasm: write an Apache Pulsar Function in C.
 *
 * Freestanding (no libc); build with
 *   clang-14 --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry -o f.wasm f.c
 * Include this header in exactly one .c file, write a handler and export it:
 *
 *   static int shout(pw_bytes input, pw_output *out) {
 *       pw_bytes copy = pw_copy(input);
 *       for (uint32_t i = 0; i < copy.len; i++) copy.ptr[i] = pw_upper(copy.ptr[i]);
 *       return pw_set(out, copy);
 *   }
 *   PULSAR_FUNCTION(shout)
 *
 * A handler returns PW_OK (with or without an output: none filters the message out) or
 * pw_fail(out, "message"). Memory: pw_alloc hands out memory that lives until the current
 * process call returns; memory allocated in init (PULSAR_INIT) lives as long as the instance.
 */
#ifndef PULSAR_WASM_H
#define PULSAR_WASM_H

#include <stdint.h>
#include <stddef.h>

#define PW_IMPORT(name) __attribute__((import_module("pulsar"), import_name(#name)))
#define PW_EXPORT(name) __attribute__((export_name(#name)))

PW_IMPORT(log) void pw_host_log(int32_t level, const uint8_t *ptr, uint32_t len);
PW_IMPORT(get_config) int64_t pw_host_get_config(const uint8_t *key, uint32_t key_len);
PW_IMPORT(get_secret) int64_t pw_host_get_secret(const uint8_t *key, uint32_t key_len);
PW_IMPORT(set_output) void pw_host_set_output(const uint8_t *ptr, uint32_t len);
PW_IMPORT(set_error) void pw_host_set_error(const uint8_t *ptr, uint32_t len);
PW_IMPORT(get_key) int64_t pw_host_get_key(void);
PW_IMPORT(get_topic) int64_t pw_host_get_topic(void);
PW_IMPORT(get_property) int64_t pw_host_get_property(const uint8_t *name, uint32_t name_len);
PW_IMPORT(state_get) int64_t pw_host_state_get(const uint8_t *key, uint32_t key_len);
PW_IMPORT(state_put) void pw_host_state_put(const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len);
PW_IMPORT(counter_incr) void pw_host_counter_incr(const uint8_t *key, uint32_t key_len, int64_t amount);
PW_IMPORT(counter_get) int64_t pw_host_counter_get(const uint8_t *key, uint32_t key_len);
PW_IMPORT(publish) void pw_host_publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *value, uint32_t value_len,
                                        const uint8_t *key, uint32_t key_len, const uint8_t *props, uint32_t props_len);
PW_IMPORT(record_metric) void pw_host_record_metric(const uint8_t *name, uint32_t name_len, double value);

enum { PW_TRACE = 0, PW_DEBUG = 1, PW_INFO = 2, PW_WARN = 3, PW_ERROR = 4 };
enum { PW_OK = 0, PW_FAILED = 1 };

/* A byte string; ptr is NULL only for "absent". */
typedef struct {
    uint8_t *ptr;
    uint32_t len;
} pw_bytes;

typedef struct {
    int has_output;
    pw_bytes output;
} pw_output;

/* ---- memory: a bump allocator, reset after every process call ---- */

extern unsigned char __heap_base;
static uintptr_t pw_heap_top = 0;
static uintptr_t pw_heap_mark = 0;

static void *pw_alloc(uint32_t len) {
    if (pw_heap_top == 0) {
        pw_heap_top = pw_heap_mark = (uintptr_t)&__heap_base;
    }
    uintptr_t ptr = (pw_heap_top + 7) & ~(uintptr_t)7;
    uintptr_t end = ptr + len;
    uintptr_t size = __builtin_wasm_memory_size(0) * 65536u;
    if (end > size) {
        uintptr_t pages = (end - size + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) {
            __builtin_trap();
        }
    }
    pw_heap_top = end;
    return (void *)ptr;
}

PW_EXPORT(alloc) void *pw_export_alloc(uint32_t len) { return pw_alloc(len); }
PW_EXPORT(pulsar_abi_version) int32_t pw_export_abi_version(void) { return 1; }

/* ---- bytes and text ---- */

static uint32_t pw_strlen(const char *text) {
    uint32_t len = 0;
    while (text[len]) len++;
    return len;
}

static pw_bytes pw_str(const char *text) {
    pw_bytes bytes = {(uint8_t *)text, pw_strlen(text)};
    return bytes;
}

static int pw_is_absent(pw_bytes bytes) { return bytes.ptr == NULL; }

static int pw_equals(pw_bytes a, pw_bytes b) {
    if (a.len != b.len) return 0;
    for (uint32_t i = 0; i < a.len; i++) if (a.ptr[i] != b.ptr[i]) return 0;
    return 1;
}

/* Whether needle occurs in haystack; an empty needle never does. */
static int pw_contains(pw_bytes haystack, pw_bytes needle) {
    if (needle.len == 0 || needle.len > haystack.len) return 0;
    for (uint32_t i = 0; i + needle.len <= haystack.len; i++) {
        pw_bytes window = {haystack.ptr + i, needle.len};
        if (pw_equals(window, needle)) return 1;
    }
    return 0;
}

static pw_bytes pw_copy(pw_bytes bytes) {
    pw_bytes copy = {pw_alloc(bytes.len), bytes.len};
    for (uint32_t i = 0; i < bytes.len; i++) copy.ptr[i] = bytes.ptr[i];
    return copy;
}

static pw_bytes pw_unpack(int64_t packed) {
    pw_bytes bytes = {NULL, 0};
    if (packed != -1) {
        bytes.ptr = (uint8_t *)(uintptr_t)((uint64_t)packed >> 32);
        bytes.len = (uint32_t)packed;
    }
    return bytes;
}

/* ---- the context ---- */

static void pw_log(int32_t level, const char *text) { pw_host_log(level, (const uint8_t *)text, pw_strlen(text)); }
static pw_bytes pw_config(const char *key) { return pw_unpack(pw_host_get_config((const uint8_t *)key, pw_strlen(key))); }
static pw_bytes pw_secret(const char *name) { return pw_unpack(pw_host_get_secret((const uint8_t *)name, pw_strlen(name))); }
static pw_bytes pw_key(void) { return pw_unpack(pw_host_get_key()); }
static pw_bytes pw_topic(void) { return pw_unpack(pw_host_get_topic()); }
static pw_bytes pw_property(const char *name) {
    return pw_unpack(pw_host_get_property((const uint8_t *)name, pw_strlen(name)));
}
static pw_bytes pw_state_get(const char *key) { return pw_unpack(pw_host_state_get((const uint8_t *)key, pw_strlen(key))); }
static void pw_state_put(const char *key, pw_bytes value) {
    pw_host_state_put((const uint8_t *)key, pw_strlen(key), value.ptr, value.len);
}
static void pw_counter_incr(const char *key, int64_t amount) {
    pw_host_counter_incr((const uint8_t *)key, pw_strlen(key), amount);
}
static int64_t pw_counter_get(const char *key) { return pw_host_counter_get((const uint8_t *)key, pw_strlen(key)); }
/* Publishes value to topic, with key (absent: no key) and no properties. */
static void pw_publish(const char *topic, pw_bytes value, pw_bytes key) {
    pw_host_publish((const uint8_t *)topic, pw_strlen(topic), value.ptr, value.len,
                    key.ptr, pw_is_absent(key) ? 0xffffffffu : key.len, NULL, 0);
}
static void pw_metric(const char *name, double value) {
    pw_host_record_metric((const uint8_t *)name, pw_strlen(name), value);
}

/* ---- results ---- */

static int pw_set(pw_output *out, pw_bytes output) {
    out->has_output = 1;
    out->output = output;
    return PW_OK;
}

static int pw_fail(pw_output *out, const char *message) {
    (void)out;
    pw_host_set_error((const uint8_t *)message, pw_strlen(message));
    return PW_FAILED;
}

typedef int (*pw_handler)(pw_bytes input, pw_output *out);

static int32_t pw_run(uint8_t *ptr, uint32_t len, pw_handler handler) {
    pw_bytes input = {ptr, len};
    pw_output out = {0, {NULL, 0}};
    int status = handler(input, &out);
    if (status == PW_OK && out.has_output) {
        pw_host_set_output(out.output.ptr, out.output.len);
    }
    pw_heap_top = pw_heap_mark;
    return status;
}

/* Exports process for handler: int handler(pw_bytes input, pw_output *out). */
#define PULSAR_FUNCTION(handler) \
    PW_EXPORT(process) int32_t pw_export_process(uint8_t *ptr, uint32_t len) { return pw_run(ptr, len, handler); }

/* Exports init for fn: void fn(void); what it allocates lives as long as the instance. */
#define PULSAR_INIT(fn) \
    PW_EXPORT(init) void pw_export_init(void) { fn(); pw_heap_mark = pw_heap_top; }

#endif
