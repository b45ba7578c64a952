;; Enricher, a String (or bytes) function: prefixes every message with the user config value
;; "prefix"; without one, passes messages through unchanged. Written against the raw ABI.
(module
  (import "pulsar" "get_config" (func $get_config (param i32 i32) (result i64)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "prefix")
  (global $heap_base i32 (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))

  ;; Bump allocator; everything a message needs is released when its process call ends.
  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local $end i32)
    (local $size i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $size (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $size))
      (then
        (if (i32.eq
              (memory.grow (i32.div_u (i32.add (i32.sub (local.get $end) (local.get $size)) (i32.const 65535))
                                      (i32.const 65536)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func (export "pulsar_abi_version") (result i32) (i32.const 1))

  (func (export "process") (param $ptr i32) (param $len i32) (result i32)
    (local $prefix i64)
    (local $prefix_ptr i32)
    (local $prefix_len i32)
    (local $out i32)
    (local.set $prefix (call $get_config (i32.const 0) (i32.const 6)))
    (if (i64.eq (local.get $prefix) (i64.const -1))
      (then (call $set_output (local.get $ptr) (local.get $len)))
      (else
        (local.set $prefix_ptr (i32.wrap_i64 (i64.shr_u (local.get $prefix) (i64.const 32))))
        (local.set $prefix_len (i32.wrap_i64 (local.get $prefix)))
        (local.set $out (call $alloc (i32.add (local.get $prefix_len) (local.get $len))))
        (memory.copy (local.get $out) (local.get $prefix_ptr) (local.get $prefix_len))
        (memory.copy (i32.add (local.get $out) (local.get $prefix_len)) (local.get $ptr) (local.get $len))
        (call $set_output (local.get $out) (i32.add (local.get $prefix_len) (local.get $len)))))
    (global.set $heap (global.get $heap_base))
    (i32.const 0)))
