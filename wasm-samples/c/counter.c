/*
 * Counter, a bytes function that keeps working on a cluster without state storage: it counts the
 * messages in the counter "messages" and remembers the last one in state "last", through the
 * recoverable calls (pw_try_*). When state fails (not enabled on the cluster, a store that fails),
 * it counts and remembers in memory, logs that once, and adds what it counted meanwhile to the
 * counter once the store works again; until the store has the last message again (its put failed),
 * it answers the one it remembers. With user config "audit-topic" it publishes a copy of each
 * message there; a copy Pulsar refuses is logged and skipped instead of failing the message. An
 * empty message makes it forget the last one.
 *
 * Its answer: "count=<n> (stored|in memory) previous=<the message before, or ->", and " audit=refused"
 * when the copy was refused. tally.ts is its AssemblyScript twin and answers alike.
 */
#include "../../sdk/c/pulsar_wasm.h"

#define MAX_INPUT 256

static const char *audit_topic; /* NULL: no copies */
static int64_t total;           /* the count: the store's when it answers, else counted on in memory */
static int64_t unstored;        /* messages counted while the store failed, to add once it works */
static int degraded;            /* the store failed and that was logged; cleared once it works */
static uint8_t last[MAX_INPUT]; /* the last message, remembered in memory too */
static int32_t last_len = -1;   /* -1: none */
static int unsaved;             /* the store missed the last message (its put or delete failed) */

static void setup(void) {
    pw_bytes topic = pw_config("audit-topic");
    if (!pw_is_absent(topic)) {
        char *text = pw_alloc(topic.len + 1); /* allocated in init: lives as long as the instance */
        memcpy(text, topic.ptr, topic.len);
        text[topic.len] = 0;
        audit_topic = text;
    }
}

static void append(pw_bytes *out, const char *text, uint32_t len) {
    memcpy(out->ptr + out->len, text, len);
    out->len += len;
}

/* The latest pw_try_ call failed: log why, the first time in a row. */
static void state_failed(void) {
    if (!degraded) {
        pw_bytes why = pw_last_error();
        pw_bytes line = {pw_alloc(64 + why.len), 0};
        const char *intro = "state failed, working from memory: ";
        append(&line, intro, pw_strlen(intro));
        append(&line, (const char *)why.ptr, why.len);
        pw_host_log(PW_WARN, line.ptr, line.len);
        degraded = 1;
    }
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

static int count(pw_bytes input, pw_output *out) {
    if (input.len > MAX_INPUT) return pw_fail(out, "input longer than 256 bytes");

    /* count: the store's counter, or in memory while it fails */
    int stored = 0;
    if (pw_try_counter_incr("messages", unstored + 1) == PW_OK) {
        if (unstored > 0) {
            pw_bytes line = {pw_alloc(80), 0};
            const char *text = "state works again; stored ";
            append(&line, text, pw_strlen(text));
            append_number(&line, unstored);
            text = " messages counted in memory";
            append(&line, text, pw_strlen(text));
            pw_host_log(PW_INFO, line.ptr, line.len);
        }
        unstored = 0;
        degraded = 0;
        int64_t counted;
        stored = pw_try_counter_get("messages", &counted) == PW_OK;
        if (stored) total = counted;
    } else {
        unstored++;
    }
    if (!stored) {
        state_failed();
        total++;
    }

    /* the previous message: from the store, or from memory while it fails or missed the last one */
    pw_bytes previous;
    int read = pw_try_state_get("last", &previous) == PW_OK;
    if (!read) state_failed();
    if (!read || unsaved) {
        previous = pw_unpack(-1);
        if (last_len >= 0) {
            pw_bytes remembered = {last, (uint32_t)last_len};
            previous = pw_copy(remembered);
        }
    }
    if (input.len == 0) {
        unsaved = pw_try_state_delete("last") != PW_OK;
        last_len = -1;
    } else {
        unsaved = pw_try_state_put("last", input) != PW_OK;
        memcpy(last, input.ptr, input.len);
        last_len = (int32_t)input.len;
    }
    if (unsaved) state_failed();

    /* the audit copy: skipped, and said so, when Pulsar refuses it */
    int refused = 0;
    if (audit_topic != NULL && pw_try_publish(audit_topic, input, pw_key()) != PW_OK) {
        pw_bytes why = pw_last_error();
        pw_bytes line = {pw_alloc(64 + why.len), 0};
        const char *intro = "audit copy refused: ";
        append(&line, intro, pw_strlen(intro));
        append(&line, (const char *)why.ptr, why.len);
        pw_host_log(PW_WARN, line.ptr, line.len);
        refused = 1;
    }

    pw_bytes answer = {pw_alloc(80 + previous.len), 0};
    append(&answer, "count=", 6);
    append_number(&answer, total);
    if (stored) {
        append(&answer, " (stored)", 9);
    } else {
        append(&answer, " (in memory)", 12);
    }
    append(&answer, " previous=", 10);
    if (pw_is_absent(previous)) {
        append(&answer, "-", 1);
    } else {
        append(&answer, (const char *)previous.ptr, previous.len);
    }
    if (refused) append(&answer, " audit=refused", 14);
    return pw_set(out, answer);
}

PULSAR_INIT(setup)
PULSAR_FUNCTION(count)
