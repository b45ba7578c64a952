;; process(x) misbehaves on purpose for small x, and returns x otherwise:
;; 0 log with a pointer outside memory, 1 log level 9, 2 log invalid UTF-8,
;; 3 unreachable, 4 integer divide by zero.
(module
  (import "pulsar" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\ff\fe")
  (func (export "process") (param $x i64) (result i64)
    (if (i64.eq (local.get $x) (i64.const 0))
      (then (call $log (i32.const 2) (i32.const 65530) (i32.const 100))))
    (if (i64.eq (local.get $x) (i64.const 1))
      (then (call $log (i32.const 9) (i32.const 0) (i32.const 0))))
    (if (i64.eq (local.get $x) (i64.const 2))
      (then (call $log (i32.const 2) (i32.const 0) (i32.const 2))))
    (if (i64.eq (local.get $x) (i64.const 3))
      (then unreachable))
    (if (i64.eq (local.get $x) (i64.const 4))
      (then (return (i64.div_s (local.get $x) (i64.const 0)))))
    (local.get $x)))
