;; Exercises the host ABI: logs from init, close and process; reads user config "greeting".
;; process(x) = x + length of "greeting" (and logs the value), or -1 when it is absent.
(module
  (import "pulsar" "log" (func $log (param i32 i32 i32)))
  (import "pulsar" "get_config" (func $get_config (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (data (i32.const 0) "greeting")
  (data (i32.const 16) "ready")
  (data (i32.const 24) "bye")

  ;; Bump allocator: the host places returned data here.
  (func (export "alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $ptr))

  (func (export "init") (call $log (i32.const 2) (i32.const 16) (i32.const 5)))
  (func (export "close") (call $log (i32.const 2) (i32.const 24) (i32.const 3)))

  (func (export "process") (param $x i64) (result i64)
    (local $packed i64)
    (local.set $packed (call $get_config (i32.const 0) (i32.const 8)))
    (if (i64.eq (local.get $packed) (i64.const -1))
      (then (return (i64.const -1))))
    (call $log (i32.const 2)
      (i32.wrap_i64 (i64.shr_u (local.get $packed) (i64.const 32)))
      (i32.wrap_i64 (local.get $packed)))
    (i64.add (local.get $x) (i64.and (local.get $packed) (i64.const 0xffffffff)))))
