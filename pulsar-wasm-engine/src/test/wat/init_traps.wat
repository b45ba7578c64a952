(module
  (func (export "init") unreachable)
  (func (export "process") (param i64) (result i64) (local.get 0)))
