;; Hostile: records 100000 distinct metric names per message (three letters from '@'..'\x7f' each),
;; then echoes its input.
(module
  (import "pulsar" "record_metric" (func $record_metric (param i32 i32 f64)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (param $ptr i32) (param $len i32) (result i32) (local $i i32)
    (loop $flood
      (i32.store8 (i32.const 0) (i32.add (i32.const 64) (i32.rem_u (local.get $i) (i32.const 64))))
      (i32.store8 (i32.const 1) (i32.add (i32.const 64) (i32.rem_u (i32.div_u (local.get $i) (i32.const 64)) (i32.const 64))))
      (i32.store8 (i32.const 2) (i32.add (i32.const 64) (i32.div_u (local.get $i) (i32.const 4096))))
      (call $record_metric (i32.const 0) (i32.const 3) (f64.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $flood (i32.lt_u (local.get $i) (i32.const 100000))))
    (call $set_output (local.get $ptr) (local.get $len))
    (i32.const 0)))
