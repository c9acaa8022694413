package dev.patchbay.media.rtp;

import java.util.Objects;

/**
 * Writes the 12-byte RTP fixed header (RFC 3550 §5.1) in place, so a sender can keep one buffer
 * per stream and fill only the payload behind it. No CSRCs, no extension, no padding: a gateway
 * that originates its own stream needs none of them.
 */
public final class RtpHeaderWriter {

    /** Bytes written by {@link #write}; the payload goes right after. */
    public static final int HEADER_BYTES = 12;

    private RtpHeaderWriter() {
    }

    /**
     * Writes version 2, P=0, X=0, CC=0, then the given fields, into {@code buf[off .. off+12)}.
     * Each value is cut to its field width (7, 16 and 32 bits) rather than checked, because the
     * callers keep counters that are meant to wrap.
     *
     * @return {@link #HEADER_BYTES}, the payload's offset relative to {@code off}
     * @throws IndexOutOfBoundsException if the 12 bytes do not fit (a caller bug)
     */
    public static int write(byte[] buf, int off, boolean marker, int payloadType, int sequence,
            long timestamp, long ssrc) {
        Objects.checkFromIndexSize(off, HEADER_BYTES, buf.length);
        buf[off] = (byte) 0x80;
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        buf[off + 2] = (byte) (sequence >>> 8);
        buf[off + 3] = (byte) sequence;
        putU32(buf, off + 4, timestamp);
        putU32(buf, off + 8, ssrc);
        return HEADER_BYTES;
    }

    private static void putU32(byte[] buf, int i, long v) {
        buf[i] = (byte) (v >>> 24);
        buf[i + 1] = (byte) (v >>> 16);
        buf[i + 2] = (byte) (v >>> 8);
        buf[i + 3] = (byte) v;
    }
}
