;; Hostile, WASI: writes 10 MiB to stdout without a newline (160 writes of 64 KiB), then one newline,
;; then echoes its input.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "pulsar" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 3)
  (func (export "alloc") (param i32) (result i32) (i32.const 131072))
  (func (export "process") (param $ptr i32) (param $len i32) (result i32) (local $i i32)
    (memory.fill (i32.const 1024) (i32.const 97) (i32.const 65536))
    (i32.store (i32.const 400) (i32.const 1024))
    (i32.store (i32.const 404) (i32.const 65536))
    (loop $flood
      (drop (call $fd_write (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 408)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $flood (i32.lt_u (local.get $i) (i32.const 160))))
    (i32.store8 (i32.const 500) (i32.const 10))
    (i32.store (i32.const 410) (i32.const 500))
    (i32.store (i32.const 414) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 410) (i32.const 1) (i32.const 408)))
    (call $set_output (local.get $ptr) (local.get $len))
    (i32.const 0)))
