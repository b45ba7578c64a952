(module
  (func (export "pulsar_abi_version") (result i32) (i32.const 2))
  (func (export "process") (param i64) (result i64) (local.get 0)))
