(module
  (memory (export "memory") 1)
  (func (export "process") (param i32 i32) (result i32) (i32.const 0)))
