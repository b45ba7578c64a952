package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class RecordsTest {

    public static final class User {
        public String name;
        public int age;
        public String email;

        public User() {}

        User(String name, int age, String email) {
            this.name = name;
            this.age = age;
            this.email = email;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof User u && Objects.equals(name, u.name) && age == u.age && Objects.equals(email, u.email);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, age, email);
        }

        @Override
        public String toString() {
            return name + "/" + age + "/" + email;
        }
    }

    @Test
    void aRecordFunctionRunsInAUsersOwnProject() {
        try (var tester = WasmFunctionTester.records("classpath:records.wasm")) {
            RecordOutput out = tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36, null)));
            assertEquals(new User("ADA", 37, null), out.value(Schema.AVRO(User.class)));
            assertEquals("{\"age\":37,\"email\":null,\"name\":\"ADA\"}", out.json());
        }
    }

    @Test
    void jacksonsPartsAreOfOneVersion() {
        assertEquals(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString(),
                com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
    }
}
