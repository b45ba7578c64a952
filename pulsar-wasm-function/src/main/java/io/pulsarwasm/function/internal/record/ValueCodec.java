package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** One schema's values: encoded bytes to guest JSON, and guest JSON (or raw bytes) checked and encoded. */
interface ValueCodec {

    /**
     * Writes an encoded value as JSON.
     *
     * @param data the value as Pulsar stores it
     * @param out where the JSON goes
     * @throws IOException if the value cannot be decoded
     */
    void write(byte[] data, JsonGenerator out) throws IOException;

    /**
     * Writes an encoded value as JSON without decoding it first, where the codec can: the same text
     * as {@link #write}. On a value that does not decode it may fail part way, having written part
     * of it; the caller then writes it again with {@link #write}, whose errors are the ones reported.
     *
     * @param data the value as Pulsar stores it
     * @param out where the JSON goes
     * @return false, having written nothing, where the codec does not stream this schema
     * @throws IOException if the value cannot be decoded
     */
    default boolean writeStreamed(byte[] data, JsonGenerator out) throws IOException {
        return false;
    }

    /**
     * Encodes a JSON value.
     *
     * @param json the value
     * @param path where it is, for messages
     * @return its encoded form
     * @throws RecordEncodingException if it does not fit the schema
     */
    byte[] encode(JsonNode json, String path);

    /**
     * Encodes a JSON value given as text: by default parsed as a tree, then {@link #encode(JsonNode,
     * String)}; a codec may read the text as a stream instead, reporting what does not fit exactly as
     * the tree path does.
     *
     * @param text the value's JSON text, UTF-8
     * @param path where it is, for messages
     * @return its encoded form
     * @throws RecordEncodingException if it is not JSON or does not fit the schema
     */
    default byte[] encode(byte[] text, String path) {
        return encode(RecordCodec.parse(text, path), path);
    }

    /**
     * Checks that bytes a guest encoded itself decode with the schema.
     *
     * @param data the encoded value
     * @throws RecordEncodingException if they do not
     */
    void check(byte[] data);
}
