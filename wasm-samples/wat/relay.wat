;; Relay, a bytes function for the end-to-end benchmarks: outputs each message unchanged. With user
;; config "side-topic" it first publishes the message there too; with "counter" it adds 1 to that
;; counter per message. Reads its config once, in init. Written against the raw ABI.
(module
  (import "pulsar" "get_config" (func $get_config (param i32 i32) (result i64)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (import "pulsar" "publish" (func $publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "pulsar" "counter_incr" (func $counter_incr (param i32 i32 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "side-topic")
  (data (i32.const 16) "counter")
  (global $side (mut i64) (i64.const -1))
  (global $counter (mut i64) (i64.const -1))
  (global $heap_base (mut i32) (i32.const 1024))
  (global $heap (mut i32) (i32.const 1024))

  ;; Bump allocator; what a message needs is released when its process call ends.
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

  ;; The config values stay below the heap base for the instance's life.
  (func (export "init")
    (global.set $side (call $get_config (i32.const 0) (i32.const 10)))
    (global.set $counter (call $get_config (i32.const 16) (i32.const 7)))
    (global.set $heap_base (global.get $heap)))

  (func (export "process") (param $ptr i32) (param $len i32) (result i32)
    (if (i64.ne (global.get $side) (i64.const -1))
      (then
        (call $publish
          (i32.wrap_i64 (i64.shr_u (global.get $side) (i64.const 32))) (i32.wrap_i64 (global.get $side))
          (local.get $ptr) (local.get $len)
          (i32.const 0) (i32.const -1)
          (i32.const 0) (i32.const 0))))
    (if (i64.ne (global.get $counter) (i64.const -1))
      (then
        (call $counter_incr
          (i32.wrap_i64 (i64.shr_u (global.get $counter) (i64.const 32))) (i32.wrap_i64 (global.get $counter))
          (i64.const 1))))
    (call $set_output (local.get $ptr) (local.get $len))
    (global.set $heap (global.get $heap_base))
    (i32.const 0)))
