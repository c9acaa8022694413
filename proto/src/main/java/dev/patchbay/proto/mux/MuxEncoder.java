package dev.patchbay.proto.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import com.google.protobuf.CodedOutputStream;

import com.google.protobuf.MessageLite;
import io.grpc.Drainable;
import io.grpc.KnownLength;

/**
 * Writes an AudioMux batch in protobuf's wire format into one reused array, byte for byte what
 * protobuf-java writes for the same message (fields in number order, defaults left out). Both directions
 * have the same shape ({@code MuxToBot} and {@code MuxToCaller}: entries of channel, message, leave; the
 * message's audio is field 2, an {@code AudioFrame}), so the media-plane writes caller frames with it and
 * the control-plane's WSS bridge bot frames. A frame is written straight from the caller's array, with no
 * protobuf objects: building one message, builder and ByteString per frame was the largest source of
 * garbage on both sides. Other messages are rare and written by protobuf.
 *
 * <p>{@link #stream()} hands the bytes to gRPC, which copies them into its own buffers before
 * {@code onNext} returns; only then is the encoder {@link #reset()}.
 */
public final class MuxEncoder {

    // Field tags: (number << 3) | wire type, 0 = varint, 2 = length-delimited.
    private static final int MESSAGES = 1 << 3 | 2;
    private static final int CHANNEL = 1 << 3;
    private static final int MESSAGE = 2 << 3 | 2;
    private static final int AUDIO = 2 << 3 | 2;
    private static final int PAYLOAD = 1 << 3 | 2;
    private static final int SEQUENCE = 2 << 3;
    private static final int TIMESTAMP = 3 << 3;
    private static final int FORMAT = 4 << 3;
    private static final int LEAVE = 3 << 3;

    private byte[] buf = new byte[32 << 10];
    private int size;
    private int count;
    private final Bytes stream = new Bytes();

    /**
     * A frame for {@code channel}: {@code length} bytes of {@code payload} from {@code offset}, in an
     * AudioFrame in a CallerToBot (or BotToCaller) in an entry.
     */
    public void audio(int channel, byte[] payload, int offset, int length, int sequence, long timestamp, int format) {
        int frame = (length == 0 ? 0 : 1 + uint32Size(length) + length)
                + (sequence == 0 ? 0 : 1 + uint32Size(sequence))
                + (timestamp == 0 ? 0 : 1 + CodedOutputStream.computeUInt64SizeNoTag(timestamp))
                + (format == 0 ? 0 : 1 + CodedOutputStream.computeInt32SizeNoTag(format));
        int callerToBot = 1 + uint32Size(frame) + frame;
        int entry = channelSize(channel) + 1 + uint32Size(callerToBot) + callerToBot;
        ensure(1 + uint32Size(entry) + entry);
        entryHead(entry, channel, callerToBot);
        buf[size++] = AUDIO;
        varint(frame);
        if (length != 0) {
            buf[size++] = PAYLOAD;
            varint(length);
            System.arraycopy(payload, offset, buf, size, length);
            size += length;
        }
        if (sequence != 0) {
            buf[size++] = SEQUENCE;
            varint(sequence & 0xFFFFFFFFL);
        }
        if (timestamp != 0) {
            buf[size++] = TIMESTAMP;
            varint(timestamp);
        }
        if (format != 0) {
            buf[size++] = FORMAT;
            varint(format); // an enum is an int32: non-negative here
        }
        count++;
    }

    /** Any other message for {@code channel} (a CallerToBot or BotToCaller), written by protobuf. */
    public void message(int channel, MessageLite message) {
        int inner = message.getSerializedSize();
        int entry = channelSize(channel) + 1 + uint32Size(inner) + inner;
        ensure(1 + uint32Size(entry) + entry);
        entryHead(entry, channel, inner);
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(buf, size, inner);
            message.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("protobuf wrote a different size than it computed", e);
        }
        size += inner;
        count++;
    }

    /** An entry with no message that leaves {@code channel}: {@code leave} is a {@code MuxLeave} number. */
    public void leave(int channel, int leave) {
        int entry = channelSize(channel) + 1 + uint32Size(leave);
        ensure(1 + uint32Size(entry) + entry);
        entryStart(entry, channel);
        buf[size++] = LEAVE;
        varint(leave);
        count++;
    }

    /** Messages written since the last {@link #reset()}. */
    public int count() {
        return count;
    }

    public int size() {
        return size;
    }

    /** The bytes so far, as a stream gRPC drains without copying them first; the same object every time. */
    public InputStream stream() {
        stream.at = 0;
        return stream;
    }

    public void reset() {
        size = 0;
        count = 0;
    }

    private void entryHead(int entry, int channel, int callerToBot) {
        entryStart(entry, channel);
        buf[size++] = MESSAGE;
        varint(callerToBot);
    }

    private void entryStart(int entry, int channel) {
        buf[size++] = MESSAGES;
        varint(entry);
        if (channel != 0) {
            buf[size++] = CHANNEL;
            varint(channel & 0xFFFFFFFFL);
        }
    }

    private static int channelSize(int channel) {
        return channel == 0 ? 0 : 1 + uint32Size(channel);
    }

    private static int uint32Size(int value) {
        return CodedOutputStream.computeUInt32SizeNoTag(value);
    }

    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more)); // a busier node: grows once, then stays
        }
    }

    /** The encoded bytes as gRPC takes a message: it asks the length, then drains them into its buffers. */
    private final class Bytes extends InputStream implements Drainable, KnownLength {
        private int at;

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = size - at;
            target.write(buf, at, n);
            at = size;
            return n;
        }

        @Override
        public int available() {
            return size - at;
        }

        @Override
        public int read() {
            return at < size ? buf[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            if (at >= size) {
                return -1;
            }
            int n = Math.min(len, size - at);
            System.arraycopy(buf, at, into, off, n);
            at += n;
            return n;
        }
    }
}
