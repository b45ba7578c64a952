package io.pulsarwasm.bench;

/**
 * The record benchmarks' value, as a producer's POJO: Pulsar's {@code Schema.AVRO(User.class)} makes
 * it an Avro record of {@code age} (int), {@code email} and {@code name} (each null or a string),
 * the schema {@code wasm-samples/c/record_raw.c} decodes itself.
 */
public final class User {
    public int age;
    public String email;
    public String name;

    /** For Avro's reflection. */
    public User() {}

    User(String name, int age, String email) {
        this.name = name;
        this.age = age;
        this.email = email;
    }
}
