;; process(x) faults on purpose for x = 10..13, and returns x otherwise:
;; 10 out-of-bounds load, 11 infinite loop, 12 grows memory until refused then traps,
;; 13 unbounded recursion.
(module
  (memory (export "memory") 1)
  (func $recurse (param $n i64) (result i64)
    (i64.add (call $recurse (i64.add (local.get $n) (i64.const 1))) (i64.const 1)))
  (func (export "process") (param $x i64) (result i64)
    (if (i64.eq (local.get $x) (i64.const 10))
      (then (return (i64.load (i32.const 0xfffffff0)))))
    (if (i64.eq (local.get $x) (i64.const 11))
      (then (loop $forever (br $forever))))
    (if (i64.eq (local.get $x) (i64.const 12))
      (then
        (loop $grow
          (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
        unreachable))
    (if (i64.eq (local.get $x) (i64.const 13))
      (then (return (call $recurse (i64.const 0)))))
    (local.get $x)))
