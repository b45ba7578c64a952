/*
 * {{name}}: a pulsar-wasm function. Upper-cases each message and appends the user config's
 * "suffix"; an empty message has no output; one longer than MAX_LEN bytes fails (Pulsar retries
 * it, then dead-letters it with --max-message-retries and --dead-letter-topic).
 */
#include "pulsar_wasm.h" /* the SDK: {{sdk}}/c */

/* The longest message shouted; a longer one fails. */
#define MAX_LEN 16

static pw_bytes suffix; /* read once, in init: lives as long as the instance */

static void init(void) {
    suffix = pw_config("suffix");
    if (pw_is_absent(suffix)) suffix = pw_str("!");
}
PULSAR_INIT(init)

static int shout(pw_bytes input, pw_output *out) {
    if (input.len == 0) return PW_OK; /* no output: the message is filtered out */
    if (input.len > MAX_LEN) return pw_fail(out, "a message longer than 16 bytes");
    pw_bytes answer = {pw_alloc(input.len + suffix.len), input.len + suffix.len};
    for (uint32_t i = 0; i < input.len; i++) {
        uint8_t c = input.ptr[i];
        answer.ptr[i] = c >= 'a' && c <= 'z' ? c - 32 : c;
    }
    for (uint32_t i = 0; i < suffix.len; i++) answer.ptr[input.len + i] = suffix.ptr[i];
    pw_log(PW_INFO, "shouting");
    return pw_set(out, answer);
}
PULSAR_FUNCTION(shout)
