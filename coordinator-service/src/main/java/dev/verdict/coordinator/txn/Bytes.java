package dev.verdict.coordinator.txn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** In-memory binary encoding shared by the table's codecs: nullable strings and enums over Data streams. */
final class Bytes {

    private Bytes() {
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] encode(Writer writer) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return buffer.toByteArray();
    }

    static <T> T decode(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt encoding", e);
        }
    }

    /** Length-prefixed UTF-8: unlike writeUTF, no 64 KiB limit (an abort reason may quote a long error). */
    static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = readCount(in);
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static void writeNullableString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    static String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    /** A count or length read from input, checked against what is left, so corrupt input cannot allocate wildly. */
    static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new IOException("bad count " + count);
        }
        return count;
    }

    static <E extends Enum<E>> E readEnum(DataInputStream in, E[] values) throws IOException {
        E value = readNullableEnum(in, values);
        if (value == null) {
            throw new IOException("missing enum value");
        }
        return value;
    }

    static <E extends Enum<E>> void writeNullableEnum(DataOutputStream out, E value) throws IOException {
        out.writeByte(value == null ? -1 : value.ordinal());
    }

    static <E extends Enum<E>> E readNullableEnum(DataInputStream in, E[] values) throws IOException {
        int ordinal = in.readByte();
        if (ordinal < -1 || ordinal >= values.length) {
            throw new IOException("bad enum ordinal " + ordinal);
        }
        return ordinal == -1 ? null : values[ordinal];
    }
}
