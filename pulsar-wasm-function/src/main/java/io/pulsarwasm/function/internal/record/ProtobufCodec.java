package io.pulsarwasm.function.internal.record;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Pulsar PROTOBUF_NATIVE values: protobuf binary of the message type the schema's descriptor names,
 * as JSON in protobuf's own JSON mapping (proto3 JSON, with the .proto field names and every field,
 * defaults included; 64-bit integers are strings there).
 */
final class ProtobufCodec implements ValueCodec {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .includingDefaultValueFields()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final Descriptors.Descriptor descriptor;

    private ProtobufCodec(Descriptors.Descriptor descriptor) {
        this.descriptor = descriptor;
    }

    /**
     * Builds the codec from a PROTOBUF_NATIVE schema definition: JSON holding a base64
     * {@code FileDescriptorSet}, the root file's name and the root message's full name.
     */
    static ProtobufCodec fromDefinition(JsonNode definition) {
        try {
            DescriptorProtos.FileDescriptorSet set = DescriptorProtos.FileDescriptorSet.parseFrom(Base64.getDecoder()
                    .decode(definition.path("fileDescriptorSet").asText()));
            Map<String, DescriptorProtos.FileDescriptorProto> protos = new HashMap<>();
            set.getFileList().forEach(file -> protos.put(file.getName(), file));
            Descriptors.FileDescriptor root =
                    build(definition.path("rootFileDescriptorName").asText(), protos, new HashMap<>());
            String messageName = definition.path("rootMessageTypeName").asText();
            Descriptors.Descriptor descriptor = message(root, messageName);
            if (descriptor == null) {
                throw new IllegalArgumentException("the descriptor has no message type " + messageName);
            }
            return new ProtobufCodec(descriptor);
        } catch (InvalidProtocolBufferException | Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException("not a PROTOBUF_NATIVE schema definition: " + e.getMessage(), e);
        }
    }

    /** The message type of a full name, nested ones too ({@code pkg.Outer.Inner}). */
    private static Descriptors.Descriptor message(Descriptors.FileDescriptor file, String fullName) {
        String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
        if (!fullName.startsWith(prefix)) {
            return null;
        }
        String[] names = fullName.substring(prefix.length()).split("\\.");
        Descriptors.Descriptor descriptor = file.findMessageTypeByName(names[0]);
        for (int i = 1; i < names.length && descriptor != null; i++) {
            descriptor = descriptor.findNestedTypeByName(names[i]);
        }
        return descriptor;
    }

    private static Descriptors.FileDescriptor build(
            String name,
            Map<String, DescriptorProtos.FileDescriptorProto> protos,
            Map<String, Descriptors.FileDescriptor> built)
            throws Descriptors.DescriptorValidationException {
        Descriptors.FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        DescriptorProtos.FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            throw new IllegalArgumentException("the descriptor set has no file " + name);
        }
        Descriptors.FileDescriptor[] dependencies = new Descriptors.FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
            dependencies[i] = build(proto.getDependency(i), protos, built);
        }
        Descriptors.FileDescriptor file = Descriptors.FileDescriptor.buildFrom(proto, dependencies);
        built.put(name, file);
        return file;
    }

    @Override
    public void write(byte[] data, JsonGenerator out) throws IOException {
        out.writeRawValue(PRINTER.print(DynamicMessage.parseFrom(descriptor, data)));
    }

    @Override
    public byte[] encode(JsonNode json, String path) {
        if (!json.isObject()) {
            throw new RecordEncodingException(path + ": expected an object (message " + descriptor.getFullName()
                    + "), got " + json.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(descriptor);
        try {
            PARSER.merge(json.toString(), builder);
            return builder.build().toByteArray();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // RuntimeException: the parser's own (Gson's) failures, and a proto2 required field left unset
            throw new RecordEncodingException(
                    path + ": not a " + descriptor.getFullName() + " in protobuf's JSON mapping: " + e.getMessage());
        }
    }

    @Override
    public void check(byte[] data) {
        try {
            DynamicMessage.parseFrom(descriptor, data);
        } catch (InvalidProtocolBufferException e) {
            throw new RecordEncodingException(
                    "$: the bytes are not a " + descriptor.getFullName() + ": " + e.getMessage());
        }
    }
}
