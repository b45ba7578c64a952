package io.pulsarwasm.samples;

import io.pulsarwasm.function.WasmFunction;

/**
 * PIP-331's example as a user writes it: this class and the module {@code
 * io.pulsarwasm.samples.Doubler.wasm} beside it in {@code src/main/resources} are the whole
 * function. Built from {@code wat/doubler.wat}.
 */
public class Doubler extends WasmFunction {}
