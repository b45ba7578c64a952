/*
 * Hash, a bytes function: the 64-bit FNV-1a hash of the message, as 8 little-endian bytes.
 * The benchmarks' compute-heavy guest (the same loop runs in Java for the baseline).
 */
#include "../../sdk/c/pulsar_wasm.h"

static int hash(pw_bytes input, pw_output *out) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < input.len; i++) {
        h ^= input.ptr[i];
        h *= 0x100000001b3ull;
    }
    pw_bytes digest = {pw_alloc(8), 8};
    for (int i = 0; i < 8; i++) digest.ptr[i] = (uint8_t)(h >> (8 * i));
    return pw_set(out, digest);
}

PULSAR_FUNCTION(hash)
