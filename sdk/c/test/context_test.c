/*
 * Native tests of sdk/c/pulsar_wasm.h's context calls, with empty and absent values, against an
 * in-memory host that answers as pulsar-wasm's does (PIP-331, "The ABI, version 1"): what a call
 * returns is written into memory from the SDK's alloc export and handed back packed as
 * (ptr << 32) | len, -1 for absent; an empty value is alloc(0) and a length of 0. Each value handed
 * over is followed by poisoned bytes, so that under AddressSanitizer (run.sh) a read past a value,
 * or of an empty one, fails the run. Exit status: the failures (0: ok).
 *
 * The header is compiled natively: its wasm builtins and __heap_base stand for an arena mapped below
 * 4 GiB (a packed pointer has 32 bits), and its wasm import and export attributes are ignored.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sanitizer/asan_interface.h>

#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunknown-attributes"
#else
#pragma GCC diagnostic ignored "-Wattributes"
#endif
#define __heap_base (*test_heap_base)
#define __builtin_wasm_memory_size(index) test_memory_pages()
#define __builtin_wasm_memory_grow(index, pages) ((void)(pages), (uintptr_t)-1)
static uintptr_t test_memory_pages(void);

#include "../pulsar_wasm.h"

#define ARENA_BYTES (16u << 20)
unsigned char *test_heap_base;

static uintptr_t test_memory_pages(void) { return ((uintptr_t)test_heap_base + ARENA_BYTES) / 65536u; }

static int failures = 0;
static int checks = 0;

#define CHECK(cond) check((cond), #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "context_test.c:%d: FAILED: %s\n", line, what);
    }
}

/* ---- the in-memory host ---- */

/* A value the host holds: absent, or len bytes of its own. */
typedef struct {
    int present;
    uint8_t *ptr;
    uint32_t len;
} value;

typedef struct {
    value name;
    value value;
} entry;

#define MAX 16

typedef struct {
    value topic, value, key;
    uint32_t props_len; /* as the guest passed it: 0 for none */
    int props_n;
    entry props[MAX];
} published_message;

static struct {
    int config_n, secrets_n, state_n, counters_n, published_n, metrics_n, logs_n;
    entry config[MAX], secrets[MAX], state[MAX];
    struct { value name; int64_t value; } counters[MAX];
    published_message published[MAX];
    struct { value name; double value; } metrics[MAX];
    struct { int32_t level; value text; } logs[MAX];
    value tenant, namespace_, function_name;
    struct {
        int present; /* 0: no current record (init) */
        value key, topic, message_id, schema;
        int has_time;
        int64_t time;
        int32_t redeliveries;
        int props_n;
        entry props[MAX];
        value raw_props; /* when present, get_properties hands over these bytes as they are */
    } record;
    int output_set;
    value output, error;
    const char *state_failure;
    value last_error;
    int host_errors; /* calls the SDK made wrongly (a malformed string map, a range from NULL) */
} host;

static value absent(void) {
    value v = {0, NULL, 0};
    return v;
}

/* The host's copy of len bytes at ptr (the guest's to pass: a read past them fails under ASan). */
static value copy_in(const uint8_t *ptr, uint32_t len) {
    value v = {1, malloc(len ? len : 1), len};
    if (v.ptr == NULL) abort();
    if (len > 0 && ptr == NULL) host.host_errors++;
    for (uint32_t i = 0; i < len && ptr != NULL; i++) v.ptr[i] = ptr[i];
    return v;
}

static uint32_t length(const char *text) {
    uint32_t n = 0;
    while (text[n]) n++;
    return n;
}

static value text(const char *t) { return copy_in((const uint8_t *)t, length(t)); }

static int same(value v, const uint8_t *ptr, uint32_t len) {
    if (!v.present || v.len != len) return 0;
    for (uint32_t i = 0; i < len; i++) if (v.ptr[i] != ptr[i]) return 0;
    return 1;
}

/* Whether v is present and holds exactly the C string t. */
static int is(value v, const char *t) { return same(v, (const uint8_t *)t, length(t)); }

/* Whether guest bytes b are present and hold exactly the C string t. */
static int bytes_are(pw_bytes b, const char *t) {
    return b.ptr != NULL && same(copy_in(b.ptr, b.len), (const uint8_t *)t, length(t));
}

static entry *find(entry *entries, int n, value name) {
    for (int i = 0; i < n; i++) if (same(entries[i].name, name.ptr, name.len)) return &entries[i];
    return NULL;
}

static void put(entry *entries, int *n, value name, value v) {
    entry *found = find(entries, *n, name);
    if (found != NULL) {
        found->value = v;
    } else if (*n < MAX) {
        entries[*n].name = name;
        entries[*n].value = v;
        (*n)++;
    }
}

/* Poisons the bytes after a value handed to the guest, and moves the guest's allocator past them. */
static void guard(uint8_t *end) {
    uintptr_t start = (uintptr_t)end, stop = ((start + 7) & ~(uintptr_t)7) + 16;
    ASAN_POISON_MEMORY_REGION((void *)start, stop - start);
    pw_heap_top = stop;
}

/* Hands a value to the guest as the host does: in memory from its alloc, packed; -1 when absent. */
static int64_t give(value v) {
    if (!v.present) return -1;
    uint8_t *ptr = pw_export_alloc(v.len);
    CHECK(ptr != NULL && (uintptr_t)ptr + v.len <= (uintptr_t)test_heap_base + ARENA_BYTES);
    for (uint32_t i = 0; i < v.len; i++) ptr[i] = v.ptr[i];
    guard(ptr + v.len);
    return (int64_t)((uint64_t)(uintptr_t)ptr << 32 | v.len);
}

static void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t u32_at(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The string map of n entries, as the host encodes properties. */
static value encode_map(const entry *entries, int n) {
    uint32_t len = 4;
    for (int i = 0; i < n; i++) len += 8 + entries[i].name.len + entries[i].value.len;
    value map = {1, malloc(len), len};
    put_u32(map.ptr, (uint32_t)n);
    uint32_t at = 4;
    for (int i = 0; i < n; i++) {
        const value *parts[2] = {&entries[i].name, &entries[i].value};
        for (int p = 0; p < 2; p++) {
            put_u32(map.ptr + at, parts[p]->len);
            for (uint32_t j = 0; j < parts[p]->len; j++) map.ptr[at + 4 + j] = parts[p]->ptr[j];
            at += 4 + parts[p]->len;
        }
    }
    return map;
}

/* Decodes a publish's properties as the host does: no bytes are none; anything malformed is the guest's error. */
static void decode_map(const uint8_t *ptr, uint32_t len, published_message *m) {
    m->props_n = 0;
    if (len == 0) return;
    value map = copy_in(ptr, len);
    if (len < 4) {
        host.host_errors++;
        return;
    }
    uint32_t count = u32_at(map.ptr), at = 4;
    for (uint32_t i = 0; i < count; i++) {
        value parts[2];
        for (int p = 0; p < 2; p++) {
            if (len - at < 4 || len - at - 4 < u32_at(map.ptr + at)) {
                host.host_errors++;
                return;
            }
            parts[p] = copy_in(map.ptr + at + 4, u32_at(map.ptr + at));
            at += 4 + parts[p].len;
        }
        if (m->props_n < MAX) {
            m->props[m->props_n].name = parts[0];
            m->props[m->props_n].value = parts[1];
            m->props_n++;
        }
    }
    if (at != len) host.host_errors++;
}

/* The failure of a state operation when state_failure is set (kept for last_error by a try_ call). */
static int state_fails(const char *call) {
    if (host.state_failure == NULL) return 0;
    char message[256];
    int n = snprintf(message, sizeof message, "pulsar.%s: %s", call, host.state_failure);
    host.last_error = copy_in((const uint8_t *)message, (uint32_t)n);
    return 1;
}

void pw_host_log(int32_t level, const uint8_t *ptr, uint32_t len) {
    if (host.logs_n < MAX) {
        host.logs[host.logs_n].level = level;
        host.logs[host.logs_n].text = copy_in(ptr, len);
        host.logs_n++;
    }
}

int64_t pw_host_get_config(const uint8_t *key, uint32_t key_len) {
    entry *found = find(host.config, host.config_n, copy_in(key, key_len));
    return give(found != NULL ? found->value : absent());
}

int64_t pw_host_get_secret(const uint8_t *key, uint32_t key_len) {
    entry *found = find(host.secrets, host.secrets_n, copy_in(key, key_len));
    return give(found != NULL ? found->value : absent());
}

void pw_host_set_output(const uint8_t *ptr, uint32_t len) {
    if (host.output_set) host.host_errors++;
    host.output_set = 1;
    host.output = copy_in(ptr, len);
}

void pw_host_set_error(const uint8_t *ptr, uint32_t len) { host.error = copy_in(ptr, len); }

int64_t pw_host_get_key(void) { return give(host.record.present ? host.record.key : absent()); }

int64_t pw_host_get_topic(void) { return give(host.record.present ? host.record.topic : absent()); }

int64_t pw_host_get_property(const uint8_t *name, uint32_t name_len) {
    value wanted = copy_in(name, name_len);
    entry *found = host.record.present ? find(host.record.props, host.record.props_n, wanted) : NULL;
    return give(found != NULL ? found->value : absent());
}

int64_t pw_host_get_properties(void) {
    if (host.record.raw_props.present) return give(host.record.raw_props);
    return give(encode_map(host.record.props, host.record.present ? host.record.props_n : 0));
}

int64_t pw_host_get_event_time(void) { return host.record.present && host.record.has_time ? host.record.time : -1; }

int64_t pw_host_get_message_id(void) { return give(host.record.present ? host.record.message_id : absent()); }

int64_t pw_host_get_schema(void) { return give(host.record.present ? host.record.schema : absent()); }

int64_t pw_host_get_tenant(void) { return give(host.tenant); }

int64_t pw_host_get_namespace(void) { return give(host.namespace_); }

int64_t pw_host_get_function_name(void) { return give(host.function_name); }

int32_t pw_host_get_instance_id(void) { return 0; }

int32_t pw_host_get_num_instances(void) { return 1; }

int32_t pw_host_get_redelivery_count(void) { return host.record.present ? host.record.redeliveries : 0; }

/* The state operations, -1 / nothing when state fails. */
static int64_t state_get(const char *call, const uint8_t *key, uint32_t key_len) {
    value name = copy_in(key, key_len);
    if (state_fails(call)) return -1;
    entry *found = find(host.state, host.state_n, name);
    return give(found != NULL ? found->value : absent());
}

static void state_put(const char *call, const uint8_t *key, uint32_t key_len, const uint8_t *v, uint32_t len) {
    value name = copy_in(key, key_len), stored = copy_in(v, len);
    if (!state_fails(call)) put(host.state, &host.state_n, name, stored);
}

static void state_delete(const char *call, const uint8_t *key, uint32_t key_len) {
    value name = copy_in(key, key_len);
    if (state_fails(call)) return;
    entry *found = find(host.state, host.state_n, name);
    if (found != NULL) *found = host.state[--host.state_n];
}

static int64_t *counter(value name) {
    for (int i = 0; i < host.counters_n; i++) {
        if (same(host.counters[i].name, name.ptr, name.len)) return &host.counters[i].value;
    }
    return NULL;
}

static void counter_incr(const char *call, const uint8_t *key, uint32_t key_len, int64_t amount) {
    value name = copy_in(key, key_len);
    if (state_fails(call)) return;
    int64_t *found = counter(name);
    if (found == NULL && host.counters_n < MAX) {
        host.counters[host.counters_n].name = name;
        found = &host.counters[host.counters_n++].value;
        *found = 0;
    }
    if (found != NULL) *found += amount;
}

static int64_t counter_get(const char *call, const uint8_t *key, uint32_t key_len) {
    value name = copy_in(key, key_len);
    if (state_fails(call)) return 0;
    int64_t *found = counter(name);
    return found != NULL ? *found : 0;
}

static void publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *v, uint32_t value_len, const uint8_t *key,
                    uint32_t key_len, const uint8_t *props, uint32_t props_len) {
    if (host.published_n == MAX) return;
    published_message *m = &host.published[host.published_n++];
    m->topic = copy_in(topic, topic_len);
    m->value = copy_in(v, value_len);
    m->key = key_len == 0xffffffffu ? absent() : copy_in(key, key_len);
    m->props_len = props_len;
    decode_map(props, props_len, m);
}

int64_t pw_host_state_get(const uint8_t *key, uint32_t key_len) { return state_get("state_get", key, key_len); }
void pw_host_state_put(const uint8_t *key, uint32_t key_len, const uint8_t *v, uint32_t value_len) {
    state_put("state_put", key, key_len, v, value_len);
}
void pw_host_state_delete(const uint8_t *key, uint32_t key_len) { state_delete("state_delete", key, key_len); }
void pw_host_counter_incr(const uint8_t *key, uint32_t key_len, int64_t amount) {
    counter_incr("counter_incr", key, key_len, amount);
}
int64_t pw_host_counter_get(const uint8_t *key, uint32_t key_len) { return counter_get("counter_get", key, key_len); }
void pw_host_publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *v, uint32_t value_len, const uint8_t *key,
                     uint32_t key_len, const uint8_t *props, uint32_t props_len) {
    publish(topic, topic_len, v, value_len, key, key_len, props, props_len);
}
void pw_host_record_metric(const uint8_t *name, uint32_t name_len, double v) {
    if (host.metrics_n < MAX) {
        host.metrics[host.metrics_n].name = copy_in(name, name_len);
        host.metrics[host.metrics_n++].value = v;
    }
}

/* The try_ twins: a failure of state goes to last_error, and the call gives what it gives for nothing. */
int64_t pw_host_try_state_get(const uint8_t *key, uint32_t key_len) {
    host.last_error = absent();
    return state_get("state_get", key, key_len);
}
void pw_host_try_state_put(const uint8_t *key, uint32_t key_len, const uint8_t *v, uint32_t value_len) {
    host.last_error = absent();
    state_put("state_put", key, key_len, v, value_len);
}
void pw_host_try_state_delete(const uint8_t *key, uint32_t key_len) {
    host.last_error = absent();
    state_delete("state_delete", key, key_len);
}
void pw_host_try_counter_incr(const uint8_t *key, uint32_t key_len, int64_t amount) {
    host.last_error = absent();
    counter_incr("counter_incr", key, key_len, amount);
}
int64_t pw_host_try_counter_get(const uint8_t *key, uint32_t key_len) {
    host.last_error = absent();
    return counter_get("counter_get", key, key_len);
}
void pw_host_try_publish(const uint8_t *topic, uint32_t topic_len, const uint8_t *v, uint32_t value_len,
                         const uint8_t *key, uint32_t key_len, const uint8_t *props, uint32_t props_len) {
    host.last_error = absent();
    publish(topic, topic_len, v, value_len, key, key_len, props, props_len);
}
int64_t pw_host_last_error(void) { return give(host.last_error); }

/* A fresh host (no config, no record...) and a fresh guest arena. */
static void reset(void) {
    static const value none = {0, NULL, 0};
    host.config_n = host.secrets_n = host.state_n = host.counters_n = host.published_n = host.metrics_n = host.logs_n = 0;
    host.tenant = text("public");
    host.namespace_ = text("default");
    host.function_name = text("test-function");
    host.record.present = 0;
    host.record.key = host.record.topic = host.record.message_id = host.record.schema = host.record.raw_props = none;
    host.record.has_time = 0;
    host.record.redeliveries = 0;
    host.record.props_n = 0;
    host.output_set = 0;
    host.output = host.error = host.last_error = none;
    host.state_failure = NULL;
    host.host_errors = 0;
    ASAN_UNPOISON_MEMORY_REGION(test_heap_base, ARENA_BYTES);
    pw_heap_top = pw_heap_mark = 0;
    pw_last_error_packed = -1;
}

/* The current record: present, every field absent, no properties. */
static void record(void) { host.record.present = 1; }

/* ---- the function under test: answers by the scenario ---- */

static const char *scenario = "";
static struct {
    int called, ptr_null;
    uint32_t len;
} seen;

static int scenario_is(const char *name) { return is(text(scenario), name); }

static int edges(pw_bytes input, pw_output *out) {
    seen.called = 1;
    seen.ptr_null = input.ptr == NULL;
    seen.len = input.len;
    if (scenario_is("empty output")) return pw_set(out, pw_str(""));
    if (scenario_is("absent output")) return pw_set(out, pw_unpack(-1));
    if (scenario_is("empty error")) return pw_fail(out, "");
    if (scenario_is("echo")) return pw_set(out, input);
    if (scenario_is("key")) {
        pw_bytes key = pw_key();
        return pw_is_absent(key) ? PW_OK : pw_set(out, key);
    }
    return PW_OK; /* no output */
}

PULSAR_FUNCTION(edges)

/* Calls process as the host does: the input in memory from alloc, then the status. */
static int32_t call_process(const char *name, const char *input) {
    scenario = name;
    seen.called = 0;
    host.output_set = 0;
    host.output = host.error = absent();
    uint32_t len = length(input);
    uint8_t *ptr = pw_export_alloc(len);
    for (uint32_t i = 0; i < len; i++) ptr[i] = (uint8_t)input[i];
    guard(ptr + len);
    int32_t status = pw_export_process(ptr, len);
    /* process freed the arena: what the host poisoned in it is the guest's to reuse */
    ASAN_UNPOISON_MEMORY_REGION(test_heap_base, ARENA_BYTES);
    return status;
}

/* ---- the tests ---- */

static void test_alloc_of_nothing(void) {
    reset();
    uint8_t *a = pw_export_alloc(0), *b = pw_export_alloc(0);
    CHECK(a != NULL && b != NULL);
    pw_bytes empty = pw_unpack((int64_t)((uint64_t)(uintptr_t)a << 32));
    CHECK(!pw_is_absent(empty) && empty.ptr == a && empty.len == 0);
    CHECK(pw_is_absent(pw_unpack(-1)) && pw_unpack(-1).len == 0);
}

static void test_outside_a_record_its_fields_are_absent_and_properties_empty(void) {
    reset();
    CHECK(pw_is_absent(pw_key()));
    CHECK(pw_is_absent(pw_topic()));
    CHECK(pw_is_absent(pw_property("")));
    CHECK(pw_is_absent(pw_property("lang")));
    CHECK(pw_event_time() == -1);
    CHECK(pw_redelivery_count() == 0);
    CHECK(pw_is_absent(pw_message_id()));
    CHECK(pw_is_absent(pw_schema()));
    pw_bytes properties = pw_properties();
    pw_entry entry;
    CHECK(!pw_is_absent(properties) && properties.len == 4);
    CHECK(pw_map_size(properties) == 0);
    CHECK(!pw_map_entry(properties, 0, &entry));
    CHECK(bytes_are(pw_tenant(), "public") && bytes_are(pw_namespace(), "default"));
    CHECK(bytes_are(pw_function_name(), "test-function"));

    /* a record with nothing but its value reads the same */
    record();
    CHECK(pw_is_absent(pw_key()) && pw_is_absent(pw_topic()) && pw_is_absent(pw_property("")));
    CHECK(pw_event_time() == -1 && pw_is_absent(pw_message_id()) && pw_is_absent(pw_schema()));
    CHECK(pw_map_size(pw_properties()) == 0);
    CHECK(pw_redelivery_count() == 0);
    /* a retried record says how often it came before */
    host.record.redeliveries = 3;
    CHECK(pw_redelivery_count() == 3);
    CHECK(host.host_errors == 0);
}

static void test_empty_values_are_present(void) {
    reset();
    put(host.config, &host.config_n, text("empty"), text(""));
    put(host.config, &host.config_n, text(""), text("unnamed"));
    put(host.secrets, &host.secrets_n, text("empty"), text(""));
    host.tenant = host.namespace_ = host.function_name = text("");
    record();
    host.record.key = text("");
    host.record.topic = text("");
    host.record.message_id = text("");
    host.record.schema = text("");
    host.record.has_time = 1;
    host.record.time = 0;
    put(host.record.props, &host.record.props_n, text(""), text(""));

    CHECK(bytes_are(pw_config("empty"), ""));
    CHECK(pw_is_absent(pw_config("none")));
    CHECK(bytes_are(pw_config(""), "unnamed"));
    CHECK(bytes_are(pw_secret("empty"), ""));
    CHECK(pw_is_absent(pw_secret("none")));
    CHECK(pw_is_absent(pw_secret("")));
    CHECK(bytes_are(pw_key(), ""));
    CHECK(bytes_are(pw_topic(), ""));
    CHECK(bytes_are(pw_message_id(), ""));
    CHECK(bytes_are(pw_schema(), ""));
    CHECK(pw_event_time() == 0);
    CHECK(bytes_are(pw_property(""), ""));
    CHECK(pw_is_absent(pw_property("p")));
    CHECK(bytes_are(pw_tenant(), "") && bytes_are(pw_namespace(), "") && bytes_are(pw_function_name(), ""));

    pw_bytes properties = pw_properties();
    pw_entry entry = {{NULL, 0}, {NULL, 0}};
    CHECK(properties.len == 12 && pw_map_size(properties) == 1);
    CHECK(pw_map_entry(properties, 0, &entry));
    CHECK(bytes_are(entry.key, "") && bytes_are(entry.value, ""));
    CHECK(!pw_map_entry(properties, 1, &entry));
    CHECK(host.host_errors == 0);
}

/* A map of these bytes, as the host hands it over. */
static pw_bytes properties_of(const uint8_t *bytes, uint32_t len) {
    host.record.raw_props = copy_in(bytes, len);
    return pw_properties();
}

static void test_properties_of_no_bytes_or_cut_short_read_as_far_as_they_go(void) {
    reset();
    record();
    pw_entry entry;
    static const uint8_t cut_count[] = {1, 0, 0};
    static const uint8_t no_entry[] = {1, 0, 0, 0};
    static const uint8_t one_of_two[] = {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    static const uint8_t overrun[] = {1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 'x'};
    static const uint8_t huge[] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};

    pw_bytes map = properties_of(cut_count, 0);
    CHECK(!pw_is_absent(map) && map.len == 0 && pw_map_size(map) == 0 && !pw_map_entry(map, 0, &entry));
    map = properties_of(cut_count, sizeof cut_count);
    CHECK(pw_map_size(map) == 0 && !pw_map_entry(map, 0, &entry));
    map = properties_of(no_entry, sizeof no_entry);
    CHECK(pw_map_size(map) == 1 && !pw_map_entry(map, 0, &entry));
    map = properties_of(one_of_two, sizeof one_of_two);
    CHECK(pw_map_entry(map, 0, &entry) && bytes_are(entry.key, "") && bytes_are(entry.value, ""));
    CHECK(!pw_map_entry(map, 1, &entry));
    CHECK(!pw_map_entry(properties_of(overrun, sizeof overrun), 0, &entry));
    CHECK(!pw_map_entry(properties_of(huge, sizeof huge), 0, &entry));
}

static void test_state_and_counters_keep_empty_values(void) {
    reset();
    put(host.state, &host.state_n, text("empty"), text(""));
    CHECK(bytes_are(pw_state_get("empty"), ""));
    CHECK(pw_is_absent(pw_state_get("none")));
    CHECK(pw_is_absent(pw_state_get("")));

    pw_state_put("put", pw_str(""));
    pw_state_put("absent", pw_unpack(-1)); /* the ABI has no absent value to store: it stores none */
    pw_state_put("", pw_str("unnamed"));
    pw_state_delete("");
    pw_state_delete("never-set");
    pw_state_put("", pw_str(""));
    CHECK(host.state_n == 4);
    CHECK(is(find(host.state, host.state_n, text("put"))->value, ""));
    CHECK(is(find(host.state, host.state_n, text("absent"))->value, ""));
    CHECK(is(find(host.state, host.state_n, text(""))->value, ""));
    CHECK(bytes_are(pw_state_get(""), ""));

    pw_counter_incr("", 0);
    CHECK(host.counters_n == 1 && is(host.counters[0].name, "") && host.counters[0].value == 0);
    CHECK(pw_counter_get("") == 0 && pw_counter_get("none") == 0);
    CHECK(host.host_errors == 0);
}

static void test_recoverable_calls_tell_an_empty_value_from_none_and_from_a_failure(void) {
    reset();
    put(host.state, &host.state_n, text("empty"), text(""));
    pw_bytes got = pw_str("stale");
    CHECK(pw_try_state_get("empty", &got) == PW_OK && bytes_are(got, ""));
    CHECK(pw_is_absent(pw_last_error()));
    CHECK(pw_try_state_get("none", &got) == PW_OK && pw_is_absent(got));
    CHECK(pw_try_state_put("", pw_str("")) == PW_OK && is(find(host.state, host.state_n, text(""))->value, ""));
    CHECK(pw_try_state_delete("") == PW_OK && find(host.state, host.state_n, text("")) == NULL);
    CHECK(pw_try_counter_incr("", 0) == PW_OK);
    int64_t count = -1;
    CHECK(pw_try_counter_get("", &count) == PW_OK && count == 0);
    CHECK(pw_try_publish("t", pw_str(""), pw_str("")) == PW_OK);
    CHECK(host.published_n == 1 && is(host.published[0].value, "") && is(host.published[0].key, ""));

    host.state_failure = "java.lang.IllegalStateException: no state";
    got = pw_str("stale");
    CHECK(pw_try_state_get("empty", &got) == PW_FAILED && pw_is_absent(got));
    CHECK(bytes_are(pw_last_error(), "pulsar.state_get: java.lang.IllegalStateException: no state"));
    CHECK(pw_try_state_put("new", pw_str("")) == PW_FAILED && find(host.state, host.state_n, text("new")) == NULL);
    CHECK(pw_try_counter_get("", &count) == PW_FAILED && count == 0);
    host.state_failure = NULL;
    CHECK(pw_try_state_get("empty", &got) == PW_OK && bytes_are(got, ""));
    CHECK(pw_is_absent(pw_last_error()));
    CHECK(host.host_errors == 0);
}

static void test_publish_passes_empty_and_absent_keys_values_and_properties(void) {
    reset();
    record();
    host.record.key = text("");
    const char *none[] = {NULL};
    const char *empty_entry[] = {"", ""};
    const char *two[] = {"", "", "b", ""};

    pw_publish("t", pw_str(""), pw_str(""));
    pw_publish("t", pw_unpack(-1), pw_unpack(-1));
    pw_publish_with("t", pw_str("v"), pw_key(), pw_map_of(0, none));
    host.record.key = absent();
    pw_publish_with("t", pw_str(""), pw_key(), pw_map_of(1, empty_entry));
    pw_publish_with("", pw_str(""), pw_str(""), pw_map_of(2, two));

    CHECK(host.published_n == 5);
    published_message *m = host.published;
    CHECK(is(m[0].topic, "t") && is(m[0].value, "") && is(m[0].key, "") && m[0].props_len == 0 && m[0].props_n == 0);
    CHECK(is(m[1].value, "") && !m[1].key.present && m[1].props_len == 0);
    CHECK(is(m[2].value, "v") && is(m[2].key, "") && m[2].props_len == 4 && m[2].props_n == 0);
    CHECK(is(m[3].value, "") && !m[3].key.present && m[3].props_n == 1);
    CHECK(is(m[3].props[0].name, "") && is(m[3].props[0].value, ""));
    CHECK(is(m[4].topic, "") && is(m[4].key, "") && m[4].props_n == 2 && is(m[4].props[1].name, "b"));
    CHECK(is(m[4].props[1].value, ""));
    CHECK(host.host_errors == 0);
}

static void test_an_empty_log_line_and_metric_name(void) {
    reset();
    pw_log(PW_INFO, "");
    pw_metric("", 0.0);
    CHECK(host.logs_n == 1 && host.logs[0].level == PW_INFO && is(host.logs[0].text, ""));
    CHECK(host.metrics_n == 1 && is(host.metrics[0].name, "") && host.metrics[0].value == 0.0);
}

static void test_an_empty_input_and_an_empty_output_are_not_none(void) {
    reset();
    CHECK(call_process("empty output", "") == PW_OK);
    CHECK(seen.called && !seen.ptr_null && seen.len == 0);
    CHECK(host.output_set && is(host.output, ""));
    CHECK(call_process("echo", "") == PW_OK && host.output_set && is(host.output, ""));
    CHECK(call_process("none", "") == PW_OK && !host.output_set);
    /* pw_set of an absent value sets an empty output: has_output, not the bytes, decides */
    CHECK(call_process("absent output", "x") == PW_OK && host.output_set && is(host.output, ""));
    CHECK(call_process("empty error", "") == PW_FAILED && !host.output_set && is(host.error, ""));
    record();
    host.record.key = text("");
    CHECK(call_process("key", "") == PW_OK && host.output_set && is(host.output, ""));
    host.record.key = absent();
    CHECK(call_process("key", "") == PW_OK && !host.output_set);
    CHECK(host.host_errors == 0);
}

static void test_a_copy_keeps_empty_and_absent_apart(void) {
    reset();
    pw_bytes empty = pw_copy(pw_str(""));
    CHECK(!pw_is_absent(empty) && empty.len == 0);
    pw_bytes none = pw_copy(pw_unpack(-1));
    CHECK(pw_is_absent(none) && none.len == 0);
    CHECK(bytes_are(pw_copy(pw_str("ab")), "ab"));
}

/* A window read from bytes written out here by hand, each in a buffer of exactly its size (so that
 * AddressSanitizer sees a read past it): the full record, the empty one, and malformed windows. */
static pw_bytes exact(const char *bytes, uint32_t len) {
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    pw_bytes b = {copy, len};
    return b;
}

static int window_part(pw_bytes b, const char *text, uint32_t len) {
    if (b.ptr == NULL || b.len != len) return 0;
    for (uint32_t i = 0; i < len; i++) {
        if (b.ptr[i] != (uint8_t)text[i]) return 0;
    }
    return 1;
}

static void test_a_window_reads_every_part_and_refuses_a_malformed_one(void) {
    static const char two[] =
        "PWIN\x02\0\0\0"
        /* record 0: key "k", event time -2, message id {8,1}, topic "t", one property a=b, value "12" */
        "\x0f\0\0\0" "\x01\0\0\0k" "\xfe\xff\xff\xff\xff\xff\xff\xff" "\x02\0\0\0\x08\x01" "\x01\0\0\0t"
        "\x01\0\0\0" "\x01\0\0\0a" "\x01\0\0\0b" "\x02\0\0\0" "12"
        /* record 1: nothing, no properties, an empty value */
        "\0\0\0\0" "\0\0\0\0" "\0\0\0\0";
    pw_bytes input = exact(two, sizeof two - 1);
    pw_window window;
    pw_window_record r;
    CHECK(pw_window_open(input, &window) == 2);
    CHECK(pw_window_next(&window, &r) == 1);
    CHECK(window_part(r.key, "k", 1) && r.has_event_time && r.event_time == -2);
    CHECK(window_part(r.message_id, "\x08\x01", 2) && window_part(r.topic, "t", 1) && window_part(r.value, "12", 2));
    pw_entry entry;
    CHECK(pw_map_size(r.properties) == 1 && pw_map_entry(r.properties, 0, &entry));
    CHECK(window_part(entry.key, "a", 1) && window_part(entry.value, "b", 1));
    CHECK(pw_window_next(&window, &r) == 1);
    CHECK(r.key.ptr == NULL && !r.has_event_time && r.message_id.ptr == NULL && r.topic.ptr == NULL);
    CHECK(pw_map_size(r.properties) == 0 && r.value.ptr != NULL && r.value.len == 0);
    CHECK(pw_window_next(&window, &r) == 0);

    CHECK(pw_window_open(exact("PWIN\0\0\0\0", 8), &window) == 0 && pw_window_next(&window, &r) == 0);
    CHECK(pw_window_open(exact("hello", 5), &window) == -1);
    CHECK(pw_window_open(exact("PWIN", 4), &window) == -1);
    CHECK(pw_window_open(pw_unpack(-1), &window) == -1);
    /* a count beyond the bytes: the records that are not there are malformed */
    CHECK(pw_window_open(exact("PWIN\xff\xff\xff\xff", 8), &window) == 0xffffffffLL);
    CHECK(pw_window_next(&window, &r) == -1);
    /* a value length past the end, a property count past the end, an event time cut short */
    CHECK(pw_window_open(exact("PWIN\x01\0\0\0\0\0\0\0\0\0\0\0\xff\xff\xff\xff", 20), &window) == 1);
    CHECK(pw_window_next(&window, &r) == -1);
    CHECK(pw_window_open(exact("PWIN\x01\0\0\0\0\0\0\0\x05\0\0\0", 16), &window) == 1);
    CHECK(pw_window_next(&window, &r) == -1);
    CHECK(pw_window_open(exact("PWIN\x01\0\0\0\x02\0\0\0\x01\x02\x03", 15), &window) == 1);
    CHECK(pw_window_next(&window, &r) == -1);
}

int main(void) {
    void *mapped = mmap(NULL, ARENA_BYTES + 65536u, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (mapped == MAP_FAILED) {
        perror("context_test: mmap below 4 GiB");
        return 1;
    }
    test_heap_base = (unsigned char *)(((uintptr_t)mapped + 65535u) & ~(uintptr_t)65535u);

    test_alloc_of_nothing();
    test_outside_a_record_its_fields_are_absent_and_properties_empty();
    test_empty_values_are_present();
    test_properties_of_no_bytes_or_cut_short_read_as_far_as_they_go();
    test_state_and_counters_keep_empty_values();
    test_recoverable_calls_tell_an_empty_value_from_none_and_from_a_failure();
    test_publish_passes_empty_and_absent_keys_values_and_properties();
    test_an_empty_log_line_and_metric_name();
    test_an_empty_input_and_an_empty_output_are_not_none();
    test_a_copy_keeps_empty_and_absent_apart();
    test_a_window_reads_every_part_and_refuses_a_malformed_one();

    printf("context_test: %d checks, %d failed\n", checks, failures);
    return failures;
}
