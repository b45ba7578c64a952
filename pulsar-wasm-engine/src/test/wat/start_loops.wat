;; A module whose start function never returns: instantiation runs it, under the deadline.
(module
  (func $forever (loop $again (br $again)))
  (start $forever)
  (func (export "process") (param i64) (result i64) (local.get 0)))
