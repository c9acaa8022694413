package dev.patchbay.proto.mux;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * Reads an AudioMux batch in protobuf's wire format where it lies: a {@code MuxToCaller} on the media-plane
 * ({@code M} = BotToCaller), a {@code MuxToBot} in the control-plane's WSS bridge ({@code M} = CallerToBot);
 * both have the same shape (see {@link MuxEncoder}). An entry that carries only an audio frame, nearly all
 * of them, reaches the handler as the payload's place in the array, with no protobuf objects; any other
 * entry is parsed by protobuf, so every case keeps protobuf's meaning (unknown fields skipped, a repeated
 * message field merged, the last value of a scalar kept). Not thread-safe: one per stream, used on the
 * stream's thread.
 */
public final class MuxDecoder<M extends MessageLite> {

    private static final int MESSAGES = 1 << 3 | 2;
    private static final int CHANNEL = 1 << 3;
    private static final int MESSAGE = 2 << 3 | 2;
    private static final int LEAVE = 3 << 3;
    private static final int AUDIO = 2 << 3 | 2;
    private static final int PAYLOAD = 1 << 3 | 2;
    private static final int SEQUENCE = 2 << 3;

    /** Where a batch's entries go, in order. */
    public interface Handler<M> {
        /** An entry: its channel, its {@code MuxLeave} number (0 stays), and its message, or null without one. */
        void message(int channel, int leave, M message);

        /**
         * An entry whose message is one audio frame: its payload, {@code length} bytes from {@code offset};
         * valid only during the call. The frame's sequence is {@link #sequence()}.
         */
        void audio(int channel, int leave, byte[] bytes, int offset, int length);
    }

    /** Protobuf's own default limit of nesting. */
    private static final int MAX_NESTING = 100;

    private byte[] b;
    private int pos;
    private int groups;
    private int payloadAt;
    private int payloadLength;
    private int sequence;
    private final Parser<M> parser;
    private byte[] in = new byte[32 << 10];

    /** @param parser the parser of an entry's message: BotToCaller's or CallerToBot's */
    public MuxDecoder(Parser<M> parser) {
        this.parser = parser;
    }

    /** The sequence number of the frame being handed to {@link Handler#audio}. */
    public int sequence() {
        return sequence;
    }

    /**
     * Reads one batch, as gRPC received it, into a reused array and hands its entries to {@code handler}.
     *
     * @throws InvalidProtocolBufferException as {@link #decode(byte[], int, Handler)}
     * @throws IOException                    when gRPC's own buffers cannot be read
     */
    public void decode(InputStream batch, Handler<M> handler) throws IOException {
        int length = 0;
        for (int n; (n = batch.read(in, length, in.length - length)) > 0; ) {
            length += n;
            if (length == in.length) {
                in = Arrays.copyOf(in, in.length * 2); // a larger batch than before: grows once
            }
        }
        decode(in, length, handler);
    }

    /**
     * Hands the entries of the batch in {@code bytes[0, length)} to {@code handler}.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a MuxToCaller; the entries before the
     *                                        damage have been handled
     */
    public void decode(byte[] bytes, int length, Handler<M> handler) throws InvalidProtocolBufferException {
        b = bytes;
        pos = 0;
        groups = 0;
        while (pos < length) {
            int tag = tag(length);
            if (tag == MESSAGES) {
                int end = lengthDelimited(length);
                entry(pos, end, handler);
                pos = end;
            } else {
                skip(tag, length);
            }
        }
    }

    private void entry(int start, int end, Handler<M> handler) throws InvalidProtocolBufferException {
        int channel = 0;
        int leave = 0;
        int messageAt = -1;
        int messageEnd = -1;
        boolean twice = false;
        while (pos < end) {
            int tag = tag(end);
            switch (tag) {
                case CHANNEL -> channel = (int) varint(end);
                case LEAVE -> leave = (int) varint(end);
                case MESSAGE -> {
                    twice |= messageAt >= 0;
                    messageEnd = lengthDelimited(end);
                    messageAt = pos;
                    pos = messageEnd;
                }
                default -> skip(tag, end);
            }
        }
        if (twice) { // protobuf merges the messages: leave that to it
            handler.message(channel, leave, merged(start, end));
        } else if (messageAt < 0) {
            handler.message(channel, leave, null);
        } else if (audioOnly(messageAt, messageEnd)) {
            handler.audio(channel, leave, b, payloadAt, payloadLength);
        } else {
            handler.message(channel, leave, parser.parseFrom(b, messageAt, messageEnd - messageAt));
        }
        pos = end;
    }

    /** Every message field of the entry in {@code [start, end)}, merged in order as protobuf merges them. */
    @SuppressWarnings("unchecked")
    private M merged(int start, int end) throws InvalidProtocolBufferException {
        MessageLite.Builder merged = null;
        pos = start;
        while (pos < end) {
            int tag = tag(end);
            if (tag == MESSAGE) {
                int messageEnd = lengthDelimited(end);
                if (merged == null) {
                    merged = parser.parseFrom(b, pos, messageEnd - pos).toBuilder();
                } else {
                    merged.mergeFrom(b, pos, messageEnd - pos);
                }
                pos = messageEnd;
            } else {
                skip(tag, end);
            }
        }
        return (M) merged.build();
    }

    /** True when the BotToCaller in {@code [at, end)} is one audio frame; its payload is then in payloadAt/Length. */
    private boolean audioOnly(int at, int end) throws InvalidProtocolBufferException {
        pos = at;
        if (pos >= end || tag(end) != AUDIO) {
            return false;
        }
        int frameEnd = lengthDelimited(end);
        if (frameEnd != end) {
            return false; // another field follows: protobuf decides what it means
        }
        payloadAt = pos;
        payloadLength = 0;
        sequence = 0;
        while (pos < frameEnd) {
            int tag = tag(frameEnd);
            if (tag == PAYLOAD) {
                int payloadEnd = lengthDelimited(frameEnd);
                payloadAt = pos; // the last one counts, as in protobuf
                payloadLength = payloadEnd - pos;
                pos = payloadEnd;
            } else if (tag == SEQUENCE) {
                sequence = (int) varint(frameEnd); // a uint32: protobuf keeps the low 32 bits
            } else {
                skip(tag, frameEnd);
            }
        }
        return true;
    }

    private int tag(int limit) throws InvalidProtocolBufferException {
        int tag = (int) varint(limit); // a tag is a varint32: protobuf keeps the low 32 bits
        if (tag >>> 3 == 0) {
            throw new InvalidProtocolBufferException("invalid field tag " + tag + " at byte " + pos + ": field number 0");
        }
        return tag;
    }

    private long varint(int limit) throws InvalidProtocolBufferException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw truncated();
            }
            byte x = b[pos++];
            value |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return value;
            }
        }
        throw new InvalidProtocolBufferException("a varint longer than 10 bytes at byte " + pos);
    }

    /** Reads a length; returns where the field ends, with {@code pos} at its first byte. */
    private int lengthDelimited(int limit) throws InvalidProtocolBufferException {
        // A length is a varint32, as in protobuf: the low 32 bits, refused when negative. Compared as the
        // 64-bit value, a 10-byte length passed the bound check and sent pos below 0 (found by fuzzing).
        int length = (int) varint(limit);
        if (length < 0) {
            throw new InvalidProtocolBufferException("a negative length " + length + " at byte " + pos);
        }
        if (length > limit - pos) {
            throw truncated();
        }
        return pos + length;
    }

    private void skip(int tag, int limit) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case 0 -> varint(limit);
            case 1 -> fixed(8, limit);
            case 2 -> pos = lengthDelimited(limit);
            case 5 -> fixed(4, limit);
            case 3 -> group(tag, limit);
            default -> throw new InvalidProtocolBufferException("field " + (tag >>> 3) + " has wire type " + (tag & 7)
                    + " at byte " + pos + ", where no group is open");
        }
    }

    /** Skips a (deprecated, proto2) group up to its end tag, as protobuf does with an unknown one. */
    private void group(int startTag, int limit) throws InvalidProtocolBufferException {
        if (++groups > MAX_NESTING) {
            throw new InvalidProtocolBufferException("groups nested over " + MAX_NESTING + " deep at byte " + pos);
        }
        int endTag = startTag + 1; // wire type 3 -> 4, same field
        for (int tag = tag(limit); tag != endTag; tag = tag(limit)) {
            skip(tag, limit);
        }
        groups--;
    }

    private void fixed(int n, int limit) throws InvalidProtocolBufferException {
        if (limit - pos < n) {
            throw truncated();
        }
        pos += n;
    }

    private InvalidProtocolBufferException truncated() {
        return new InvalidProtocolBufferException("the message ends inside a field at byte " + pos
                + ": truncated, or a length that runs past its end");
    }
}
