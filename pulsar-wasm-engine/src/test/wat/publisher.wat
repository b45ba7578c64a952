;; Publisher, a bytes function: publishes every input to topic "side" and outputs how many messages
;; its instance has processed so far (a little-endian i32), so a test can tell whether the instance
;; was kept.
(module
  (import "pulsar" "publish" (func $publish (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "side")
  (global $calls (mut i32) (i32.const 0))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (param $ptr i32) (param $len i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $publish (i32.const 0) (i32.const 4) (local.get $ptr) (local.get $len)
      (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0))
    (i32.store (i32.const 16) (global.get $calls))
    (call $set_output (i32.const 16) (i32.const 4))
    (i32.const 0)))
