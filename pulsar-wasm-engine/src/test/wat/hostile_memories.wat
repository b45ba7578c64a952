;; Hostile: a second memory (multi-memory) that tries to grow by 4096 pages (256 MiB) on every message,
;; past the instance's limit. Outputs memory.grow's result as a little-endian i32: -1 when refused.
(module
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (memory $second 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "process") (param i32 i32) (result i32)
    (i32.store (i32.const 16) (memory.grow $second (i32.const 4096)))
    (call $set_output (i32.const 16) (i32.const 4))
    (i32.const 0)))
