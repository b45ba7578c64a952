;; PIP-331's example: process(i64) -> i64 returns its input doubled.
;; Bundled as io.pulsarwasm.samples.Doubler.wasm, the module class Doubler runs by convention.
(module
  (func (export "process") (param $input i64) (result i64)
    local.get $input
    i64.const 2
    i64.mul))
