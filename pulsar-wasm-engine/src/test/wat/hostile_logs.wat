;; Hostile: logs 131072 lines of 8 KiB (1 GiB) per message, then echoes its input.
(module
  (import "pulsar" "log" (func $log (param i32 i32 i32)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 2)
  (func (export "alloc") (param i32) (result i32) (i32.const 65536))
  (func (export "process") (param $ptr i32) (param $len i32) (result i32) (local $i i32)
    (memory.fill (i32.const 0) (i32.const 120) (i32.const 8192))
    (loop $flood
      (call $log (i32.const 2) (i32.const 0) (i32.const 8192))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $flood (i32.lt_u (local.get $i) (i32.const 131072))))
    (call $set_output (local.get $ptr) (local.get $len))
    (i32.const 0)))
