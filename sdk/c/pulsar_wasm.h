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
 *
 * A record function (class io.pulsarwasm.function.WasmRecordFunction) has the same handler: its
 * input is the record's value as JSON text and its output JSON text that the host encodes into the
 * output schema. Read and write that text with the pw_json_* functions of pulsar_json.h (included
 * here); pw_schema() describes the record's schema.
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
PW_IMPORT(get_properties) int64_t pw_host_get_properties(void);
PW_IMPORT(get_event_time) int64_t pw_host_get_event_time(void);
PW_IMPORT(get_message_id) int64_t pw_host_get_message_id(void);
PW_IMPORT(get_tenant) int64_t pw_host_get_tenant(void);
PW_IMPORT(get_namespace) int64_t pw_host_get_namespace(void);
PW_IMPORT(get_function_name) int64_t pw_host_get_function_name(void);
PW_IMPORT(get_instance_id) int32_t pw_host_get_instance_id(void);
PW_IMPORT(get_num_instances) int32_t pw_host_get_num_instances(void);
PW_IMPORT(get_redelivery_count) int32_t pw_host_get_redelivery_count(void);
PW_IMPORT(state_put) void pw_host_state_put(const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len);
PW_IMPORT(state_delete) void pw_host_state_delete(const uint8_t *key, uint32_t key_len);
PW_IMPORT(counter_incr) void pw_host_counter_incr(const uint8_t *key, uint32_t key_len, int64_t amount);
PW_IMPORT(counter_get) int64_t pw_host_counter_get(const uint8_t *key, uint32_t key_len);
PW_IMPORT(publish) void pw_host_publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *value, uint32_t value_len,
                                        const uint8_t *key, uint32_t key_len, const uint8_t *props, uint32_t props_len);
PW_IMPORT(record_metric) void pw_host_record_metric(const uint8_t *name, uint32_t name_len, double value);
PW_IMPORT(get_schema) int64_t pw_host_get_schema(void);
/* The recoverable twins (pw_try_*) and last_error: imported only by a module that calls them. */
PW_IMPORT(try_state_get) int64_t pw_host_try_state_get(const uint8_t *key, uint32_t key_len);
PW_IMPORT(try_state_put) void pw_host_try_state_put(const uint8_t *key, uint32_t key_len, const uint8_t *value, uint32_t value_len);
PW_IMPORT(try_state_delete) void pw_host_try_state_delete(const uint8_t *key, uint32_t key_len);
PW_IMPORT(try_counter_incr) void pw_host_try_counter_incr(const uint8_t *key, uint32_t key_len, int64_t amount);
PW_IMPORT(try_counter_get) int64_t pw_host_try_counter_get(const uint8_t *key, uint32_t key_len);
PW_IMPORT(try_publish) void pw_host_try_publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *value, uint32_t value_len,
                                                const uint8_t *key, uint32_t key_len, const uint8_t *props, uint32_t props_len);
PW_IMPORT(last_error) int64_t pw_host_last_error(void);

enum { PW_TRACE = 0, PW_DEBUG = 1, PW_INFO = 2, PW_WARN = 3, PW_ERROR = 4 };
enum { PW_OK = 0, PW_FAILED = 1 };

/* A byte string; ptr is NULL only for "absent". */
typedef struct {
    uint8_t *ptr;
    uint32_t len;
} pw_bytes;
#define PW_BYTES_DEFINED /* for pulsar_json.h */

/* Where a handler leaves its output: set it with pw_set (has_output 1), or leave it unset for no output. */
typedef struct {
    int has_output;
    pw_bytes output;
} pw_output;

/* ---- memcpy, memmove, memset ----
 * clang emits calls to these for struct copies and for loops it recognises, even with -nostdlib.
 * Defined weak, so that a libc linked in (or the user's own) takes precedence; the linker drops
 * them when nothing calls them. no_builtin keeps clang from turning their own loops back into
 * calls to themselves. */

/* Copies n bytes from src to dst; the ranges must not overlap. Returns dst. */
__attribute__((weak, no_builtin)) void *memcpy(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    while (n--) *d++ = *s++;
    return dst;
}

/* Copies n bytes from src to dst; the ranges may overlap. Returns dst. */
__attribute__((weak, no_builtin)) void *memmove(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    if ((uintptr_t)d < (uintptr_t)s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

/* Sets n bytes at dst to (uint8_t)value. Returns dst. */
__attribute__((weak, no_builtin)) void *memset(void *dst, int value, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    while (n--) *d++ = (uint8_t)value;
    return dst;
}

/* ---- memory: a bump allocator, reset after every process call ---- */

extern unsigned char __heap_base;
static uintptr_t pw_heap_top = 0;
static uintptr_t pw_heap_mark = 0;

/* n bytes, 8-aligned, that live until the current process call returns (in init: as long as the instance). */
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

/* The export alloc: where the host writes the input and the data its calls return (pw_alloc's memory). */
PW_EXPORT(alloc) void *pw_export_alloc(uint32_t len) { return pw_alloc(len); }
/* The export pulsar_abi_version: this header implements ABI version 1. */
PW_EXPORT(pulsar_abi_version) int32_t pw_export_abi_version(void) { return 1; }

/* ---- bytes and text ---- */

/* The length of a NUL-terminated string. */
static uint32_t pw_strlen(const char *text) {
    uint32_t len = 0;
    while (text[len]) len++;
    return len;
}

/* A NUL-terminated string as bytes (not copied). */
static pw_bytes pw_str(const char *text) {
    pw_bytes bytes = {(uint8_t *)text, pw_strlen(text)};
    return bytes;
}

/* Whether bytes is "absent" (a host call found nothing), as opposed to empty. */
static int pw_is_absent(pw_bytes bytes) { return bytes.ptr == NULL; }

/* Whether a and b hold the same bytes. */
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

/* A copy of bytes in memory from pw_alloc; a copy of an absent value is absent (of an empty one, empty). */
static pw_bytes pw_copy(pw_bytes bytes) {
    if (pw_is_absent(bytes)) return bytes;
    pw_bytes copy = {pw_alloc(bytes.len), bytes.len};
    for (uint32_t i = 0; i < bytes.len; i++) copy.ptr[i] = bytes.ptr[i];
    return copy;
}

/* c upper-cased, if it is an ASCII letter. */
static uint8_t pw_upper(uint8_t c) { return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c; }

/* A host call's packed (ptr << 32 | len) result as bytes; -1 is absent. */
static pw_bytes pw_unpack(int64_t packed) {
    pw_bytes bytes = {NULL, 0};
    if (packed != -1) {
        bytes.ptr = (uint8_t *)(uintptr_t)((uint64_t)packed >> 32);
        bytes.len = (uint32_t)packed;
    }
    return bytes;
}

/* ---- JSON, for record functions: pw_json_* (reader and writer; see that header) ---- */

#include "pulsar_json.h"

/* ---- the context ---- */

/* Logs text at level (PW_TRACE..PW_ERROR) through the function's logger. */
static void pw_log(int32_t level, const char *text) { pw_host_log(level, (const uint8_t *)text, pw_strlen(text)); }
/* The user config value of key, as text; absent if not set. */
static pw_bytes pw_config(const char *key) { return pw_unpack(pw_host_get_config((const uint8_t *)key, pw_strlen(key))); }
/* The secret name; absent if there is none. */
static pw_bytes pw_secret(const char *name) { return pw_unpack(pw_host_get_secret((const uint8_t *)name, pw_strlen(name))); }
/* The current record's key; absent if it has none. */
static pw_bytes pw_key(void) { return pw_unpack(pw_host_get_key()); }
/* The topic the current record came from. */
static pw_bytes pw_topic(void) { return pw_unpack(pw_host_get_topic()); }
/* One property of the current record; absent if it has none of that name. */
static pw_bytes pw_property(const char *name) {
    return pw_unpack(pw_host_get_property((const uint8_t *)name, pw_strlen(name)));
}
/* All properties of the current record, as a string map (read it with pw_map_entry); empty outside a record. */
static pw_bytes pw_properties(void) { return pw_unpack(pw_host_get_properties()); }
/* The current record's event time in epoch milliseconds, or -1 if it has none. */
static int64_t pw_event_time(void) { return pw_host_get_event_time(); }
/* The current record's message id, opaque bytes (MessageId.toByteArray()); absent if it has none. */
static pw_bytes pw_message_id(void) { return pw_unpack(pw_host_get_message_id()); }
/* The function's tenant. */
static pw_bytes pw_tenant(void) { return pw_unpack(pw_host_get_tenant()); }
/* The function's namespace. */
static pw_bytes pw_namespace(void) { return pw_unpack(pw_host_get_namespace()); }
/* The function's name. */
static pw_bytes pw_function_name(void) { return pw_unpack(pw_host_get_function_name()); }
/* The current record's schema as JSON text (read it with pw_json_*), absent outside a record:
 * {"type":"AVRO","name":"User","version":0,"definition":{...the Avro schema...},"properties":{}};
 * type is Pulsar's SchemaType name (AVRO, JSON, PROTOBUF_NATIVE, STRING, INT64, BYTES for a topic
 * without a schema...); KEY_VALUE adds "encoding" (INLINE or SEPARATED) and "key" and "value",
 * each a schema of the same shape. */
static pw_bytes pw_schema(void) { return pw_unpack(pw_host_get_schema()); }
/* This instance's id, from 0. */
static int32_t pw_instance_id(void) { return pw_host_get_instance_id(); }
/* How many instances the function runs (its parallelism). */
static int32_t pw_num_instances(void) { return pw_host_get_num_instances(); }
/* How many times Pulsar delivered this message before: 0 the first time (and outside a message),
 * more once it was retried. */
static int32_t pw_redelivery_count(void) { return pw_host_get_redelivery_count(); }

/* ---- string maps (message properties): u32 count, then per entry u32 length + key, u32 length + value, little-endian ---- */

/* One entry of a string map. */
typedef struct {
    pw_bytes key;
    pw_bytes value;
} pw_entry;

/* The little-endian u32 at p (4 bytes the caller has checked are there). */
static uint32_t pw_u32_at(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The number of entries of a string map; 0 for an absent or empty one. */
static uint32_t pw_map_size(pw_bytes map) { return map.len < 4 ? 0 : pw_u32_at(map.ptr); }

/* Reads one length-prefixed field of a string map at *at into *field and moves *at past it; 0 if it overruns the map. */
static int pw_map_field(pw_bytes map, uint32_t *at, pw_bytes *field) {
    /* *at <= map.len throughout, so map.len - *at cannot wrap */
    if (map.len - *at < 4) return 0;
    uint32_t len = pw_u32_at(map.ptr + *at);
    *at += 4;
    if (map.len - *at < len) return 0;
    field->ptr = map.ptr + *at;
    field->len = len;
    *at += len;
    return 1;
}

/* Reads entry index (from 0) of a string map into *entry; returns 0 past the end, or if the map is malformed. */
static int pw_map_entry(pw_bytes map, uint32_t index, pw_entry *entry) {
    if (index >= pw_map_size(map)) return 0;
    uint32_t at = 4;
    for (uint32_t i = 0; i <= index; i++) {
        pw_bytes key, value;
        if (!pw_map_field(map, &at, &key) || !pw_map_field(map, &at, &value)) return 0;
        if (i == index) {
            entry->key = key;
            entry->value = value;
            return 1;
        }
    }
    return 0;
}

/* ---- window functions (WasmWindowFunction): the ABI's window input, docs/abi.md ----
 * "PWIN", a u32 record count, then per record u32 flags (1 key, 2 event time, 4 message id,
 * 8 topic), the parts the flags name, the properties (a string map) and the value. */

/* One record of a window. Absent parts have ptr NULL (has_event_time 0); properties is a string
 * map, read with pw_map_size and pw_map_entry. Everything points into the input. */
typedef struct {
    pw_bytes value;
    pw_bytes key;
    int has_event_time;
    int64_t event_time;
    pw_bytes message_id;
    pw_bytes topic;
    pw_bytes properties;
} pw_window_record;

/* A window being read: pw_window_open, then pw_window_next until it returns 0. */
typedef struct {
    pw_bytes input;
    uint32_t at;
    uint32_t left;
} pw_window;

/* Opens the input of a window function; returns its number of records, or -1 if the input is not a window. */
static int64_t pw_window_open(pw_bytes input, pw_window *window) {
    if (input.ptr == NULL || input.len < 8 || pw_u32_at(input.ptr) != 0x4E495750u) return -1;
    window->input = input;
    window->at = 8;
    window->left = pw_u32_at(input.ptr + 4);
    return window->left;
}

/* Reads the next record of a window into *record: 1, or 0 after the last, or -1 if the window is malformed. */
static int pw_window_next(pw_window *window, pw_window_record *record) {
    if (window->left == 0) return 0;
    pw_bytes in = window->input;
    uint32_t at = window->at;
    pw_bytes none = {NULL, 0};
    if (in.len - at < 4) return -1;
    uint32_t flags = pw_u32_at(in.ptr + at);
    at += 4;
    record->key = none;
    record->message_id = none;
    record->topic = none;
    record->has_event_time = 0;
    record->event_time = -1;
    if ((flags & 1) && !pw_map_field(in, &at, &record->key)) return -1;
    if (flags & 2) {
        if (in.len - at < 8) return -1;
        record->event_time = (int64_t)((uint64_t)pw_u32_at(in.ptr + at) | (uint64_t)pw_u32_at(in.ptr + at + 4) << 32);
        record->has_event_time = 1;
        at += 8;
    }
    if ((flags & 4) && !pw_map_field(in, &at, &record->message_id)) return -1;
    if ((flags & 8) && !pw_map_field(in, &at, &record->topic)) return -1;
    if (in.len - at < 4) return -1;
    uint32_t start = at;
    uint32_t count = pw_u32_at(in.ptr + at);
    at += 4;
    for (uint32_t i = 0; i < count; i++) {
        pw_bytes name, value;
        if (!pw_map_field(in, &at, &name) || !pw_map_field(in, &at, &value)) return -1;
    }
    record->properties.ptr = in.ptr + start;
    record->properties.len = at - start;
    if (!pw_map_field(in, &at, &record->value)) return -1;
    window->at = at;
    window->left--;
    return 1;
}

/* Writes v at p as a little-endian u32 (4 bytes). */
static void pw_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Encodes count entries, given as key, value, key, value... C strings, as a string map (for pw_publish_with). */
static pw_bytes pw_map_of(uint32_t count, const char *const *keys_and_values) {
    uint32_t len = 4;
    for (uint32_t i = 0; i < 2 * count; i++) len += 4 + pw_strlen(keys_and_values[i]);
    pw_bytes map = {pw_alloc(len), len};
    pw_put_u32(map.ptr, count);
    uint32_t at = 4;
    for (uint32_t i = 0; i < 2 * count; i++) {
        uint32_t n = pw_strlen(keys_and_values[i]);
        pw_put_u32(map.ptr + at, n);
        memcpy(map.ptr + at + 4, keys_and_values[i], n);
        at += 4 + n;
    }
    return map;
}

/* ---- state (needs state storage on the cluster: see docs/deploying.md) ---- */

/* The value stored under key, or absent. */
static pw_bytes pw_state_get(const char *key) { return pw_unpack(pw_host_state_get((const uint8_t *)key, pw_strlen(key))); }
/* Stores value under key. */
static void pw_state_put(const char *key, pw_bytes value) {
    pw_host_state_put((const uint8_t *)key, pw_strlen(key), value.ptr, value.len);
}
/* Deletes the value stored under key. */
static void pw_state_delete(const char *key) { pw_host_state_delete((const uint8_t *)key, pw_strlen(key)); }
/* Adds amount to the counter key. */
static void pw_counter_incr(const char *key, int64_t amount) {
    pw_host_counter_incr((const uint8_t *)key, pw_strlen(key), amount);
}
/* The counter key's value (0 if never incremented). */
static int64_t pw_counter_get(const char *key) { return pw_host_counter_get((const uint8_t *)key, pw_strlen(key)); }

/* ---- publishing and metrics ---- */

/* Publishes value to topic, with key (absent: no key) and properties (a string map, pw_map_of; absent: none). */
static void pw_publish_with(const char *topic, pw_bytes value, pw_bytes key, pw_bytes properties) {
    pw_host_publish((const uint8_t *)topic, pw_strlen(topic), value.ptr, value.len,
                    key.ptr, pw_is_absent(key) ? 0xffffffffu : key.len, properties.ptr, properties.len);
}
/* Publishes value to topic, with key (absent: no key) and no properties. */
static void pw_publish(const char *topic, pw_bytes value, pw_bytes key) {
    pw_bytes none = {NULL, 0};
    pw_publish_with(topic, value, key, none);
}
/* Records value for the metric name (functions stats: user_metric_<name>_sum, _count, quantiles). */
static void pw_metric(const char *name, double value) {
    pw_host_record_metric((const uint8_t *)name, pw_strlen(name), value);
}

/* ---- recoverable calls: state and publishing whose failures the function handles ----
 * The plain calls above fail the guest's call when the host or Pulsar fails them (state storage
 * not enabled on the cluster, a store that fails, a publish refused at once): the message is
 * retried or dead-lettered. Their pw_try_ twins do the same when it works and return PW_OK (0);
 * when the host or Pulsar fails they write nothing and return PW_FAILED (1), and pw_last_error()
 * says why, for the function to handle (count in memory, skip a side publish...):
 *
 *   if (pw_try_counter_incr("seen", 1) != PW_OK) {
 *       pw_bytes why = pw_last_error(); // "pulsar.counter_incr: java.lang.IllegalStateException: ..."
 *       ...
 *   }
 *
 * The guest's own mistakes (text that is not UTF-8, a limit passed) and the deadline still fail its
 * call, and a write Pulsar refuses only after process returned still fails the message. Only a
 * module that calls these imports pulsar.try_* and pulsar.last_error, which older hosts lack. */

/* last_error as the latest pw_try_ call got it (-1: absent): its text was copied into pw_alloc's
 * memory once, and pw_last_error gives that copy rather than asking the host for another. */
static int64_t pw_last_error_packed = -1;
/* Why the latest pw_try_ call failed, as the host's text naming the operation (e.g. "pulsar.counter_incr:
 * java.lang.IllegalStateException: State public/default/f is not enabled." or "pulsar.publish to
 * 'persistent://public/default/audit': ..."), in memory from pw_alloc; absent if it succeeded, and in
 * a process call before its first pw_try_ call (the text lived until the call that made it returned). */
static pw_bytes pw_last_error(void) { return pw_unpack(pw_last_error_packed); }
/* PW_OK if the latest try_ host call worked, else PW_FAILED (its text kept for pw_last_error). */
static int pw_try_status(void) {
    pw_last_error_packed = pw_host_last_error();
    return pw_last_error_packed == -1 ? PW_OK : PW_FAILED;
}
/* pw_state_get, recoverable: PW_OK with *value the bytes stored under key (absent if none), or
 * PW_FAILED with *value absent. */
static int pw_try_state_get(const char *key, pw_bytes *value) {
    int64_t packed = pw_host_try_state_get((const uint8_t *)key, pw_strlen(key));
    int status = pw_try_status();
    *value = pw_unpack(status == PW_OK ? packed : -1);
    return status;
}
/* pw_state_put, recoverable: PW_OK or PW_FAILED. */
static int pw_try_state_put(const char *key, pw_bytes value) {
    pw_host_try_state_put((const uint8_t *)key, pw_strlen(key), value.ptr, value.len);
    return pw_try_status();
}
/* pw_state_delete, recoverable: PW_OK or PW_FAILED. */
static int pw_try_state_delete(const char *key) {
    pw_host_try_state_delete((const uint8_t *)key, pw_strlen(key));
    return pw_try_status();
}
/* pw_counter_incr, recoverable: PW_OK or PW_FAILED. */
static int pw_try_counter_incr(const char *key, int64_t amount) {
    pw_host_try_counter_incr((const uint8_t *)key, pw_strlen(key), amount);
    return pw_try_status();
}
/* pw_counter_get, recoverable: PW_OK with *value the counter (0 if never incremented), or PW_FAILED with *value 0. */
static int pw_try_counter_get(const char *key, int64_t *value) {
    *value = pw_host_try_counter_get((const uint8_t *)key, pw_strlen(key));
    return pw_try_status();
}
/* pw_publish_with, recoverable: PW_OK, or PW_FAILED when Pulsar refuses the message at once (nothing is published). */
static int pw_try_publish_with(const char *topic, pw_bytes value, pw_bytes key, pw_bytes properties) {
    pw_host_try_publish((const uint8_t *)topic, pw_strlen(topic), value.ptr, value.len,
                        key.ptr, pw_is_absent(key) ? 0xffffffffu : key.len, properties.ptr, properties.len);
    return pw_try_status();
}
/* pw_publish, recoverable: PW_OK or PW_FAILED. */
static int pw_try_publish(const char *topic, pw_bytes value, pw_bytes key) {
    pw_bytes none = {NULL, 0};
    return pw_try_publish_with(topic, value, key, none);
}

/* ---- results ---- */

/* Sets the message's output and returns PW_OK: return pw_set(out, bytes). */
static int pw_set(pw_output *out, pw_bytes output) {
    out->has_output = 1;
    out->output = output;
    return PW_OK;
}

/* Fails the message with message as the reason (retried or dead-lettered): return pw_fail(out, "why"). */
static int pw_fail(pw_output *out, const char *message) {
    (void)out;
    pw_host_set_error((const uint8_t *)message, pw_strlen(message));
    return PW_FAILED;
}

/* A handler: the message value in, PW_OK (output in *out, or none) or pw_fail(out, "why") out. */
typedef int (*pw_handler)(pw_bytes input, pw_output *out);

/* The body of process (PULSAR_FUNCTION): runs handler on the input, hands its output to the host,
 * then frees everything pw_alloc gave out during the call. */
static int32_t pw_run(uint8_t *ptr, uint32_t len, pw_handler handler) {
    pw_bytes input = {ptr, len};
    pw_output out = {0, {NULL, 0}};
    int status = handler(input, &out);
    if (status == PW_OK && out.has_output) {
        pw_host_set_output(out.output.ptr, out.output.len);
    }
    pw_heap_top = pw_heap_mark;
    pw_last_error_packed = -1; /* its text was in the memory just freed */
    return status;
}

/* Exports process for handler: int handler(pw_bytes input, pw_output *out). */
#define PULSAR_FUNCTION(handler) \
    PW_EXPORT(process) int32_t pw_export_process(uint8_t *ptr, uint32_t len) { return pw_run(ptr, len, handler); }

/* Exports init for fn: void fn(void); what it allocates lives as long as the instance. */
#define PULSAR_INIT(fn) \
    PW_EXPORT(init) void pw_export_init(void) { fn(); pw_heap_mark = pw_heap_top; }

#endif
