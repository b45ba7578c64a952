(module
  (import "pulsar" "log" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "process") (param i64) (result i64) (local.get 0)))
