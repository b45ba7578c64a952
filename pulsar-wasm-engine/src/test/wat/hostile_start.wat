;; Hostile: a start function that never ends; the module would otherwise echo its input.
(module
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (param i32 i32) (result i32)
    (call $set_output (local.get 0) (local.get 1))
    (i32.const 0)))
