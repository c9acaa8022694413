package dev.patchbay.media.botaudio;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.patchbay.proto.media.v1.BotToCaller;
import dev.patchbay.proto.media.v1.MuxBotMessage;

/**
 * Reads a {@code MuxToCaller} in protobuf's wire format where it lies. An entry that carries only an
 * audio frame, nearly all of them, reaches the handler as the payload's place in the array, with no
 * protobuf objects; any other entry is parsed by protobuf, so every case keeps protobuf's meaning
 * (unknown fields skipped, a repeated message field merged, the last value of a scalar kept).
 * Not thread-safe: one per stream, used on the stream's thread.
 */
final class MuxDecoder {

    private static final int MESSAGES = 1 << 3 | 2;
    private static final int CHANNEL = 1 << 3;
    private static final int MESSAGE = 2 << 3 | 2;
    private static final int LEAVE = 3 << 3;
    private static final int AUDIO = 2 << 3 | 2;
    private static final int PAYLOAD = 1 << 3 | 2;

    /** Where a batch's entries go, in order. */
    interface Handler {
        /** An entry: its channel, its {@code MuxLeave} number (0 stays), and its message, or null without one. */
        void message(int channel, int leave, BotToCaller message);

        /** An entry whose message is one audio frame: its payload, {@code length} bytes from {@code offset}. */
        void audio(int channel, int leave, byte[] bytes, int offset, int length);
    }

    /** Protobuf's own default limit of nesting. */
    private static final int MAX_NESTING = 100;

    private byte[] b;
    private int pos;
    private int groups;
    private int payloadAt;
    private int payloadLength;

    /**
     * Hands the entries of the batch in {@code bytes[0, length)} to {@code handler}.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a MuxToCaller; the entries before the
     *                                        damage have been handled
     */
    void decode(byte[] bytes, int length, Handler handler) throws InvalidProtocolBufferException {
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

    private void entry(int start, int end, Handler handler) throws InvalidProtocolBufferException {
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
        if (twice) { // protobuf merges the two messages: leave that to it
            MuxBotMessage m = MuxBotMessage.parser().parseFrom(b, start, end - start);
            handler.message(m.getChannel(), m.getLeaveValue(), m.getMessage());
        } else if (messageAt < 0) {
            handler.message(channel, leave, null);
        } else if (audioOnly(messageAt, messageEnd)) {
            handler.audio(channel, leave, b, payloadAt, payloadLength);
        } else {
            handler.message(channel, leave, BotToCaller.parser().parseFrom(b, messageAt, messageEnd - messageAt));
        }
        pos = end;
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
        while (pos < frameEnd) {
            int tag = tag(frameEnd);
            if (tag == PAYLOAD) {
                int payloadEnd = lengthDelimited(frameEnd);
                payloadAt = pos; // the last one counts, as in protobuf
                payloadLength = payloadEnd - pos;
                pos = payloadEnd;
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
