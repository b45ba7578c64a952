;; Writes "hello from wasi" and the value of $GREETING's length to stdout with WASI fd_write,
;; and "careful" to stderr; returns its input.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello from wasi\n")
  (data (i32.const 200) "careful\n")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "process") (param $x i64) (result i64)
    (call $write (i32.const 1) (i32.const 100) (i32.const 16))
    (call $write (i32.const 2) (i32.const 200) (i32.const 8))
    (local.get $x)))
