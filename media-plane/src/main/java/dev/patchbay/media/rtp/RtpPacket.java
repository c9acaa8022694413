package dev.patchbay.media.rtp;

import java.util.Objects;

/**
 * A reusable, mutable view of one RTP packet (RFC 3550 §5.1) inside a caller's buffer. Nothing is
 * copied: {@link #parse} checks the structure and records where the parts are, and the accessors
 * read the header fields straight from the buffer. One instance per receive loop, reused for every
 * packet, so the steady state allocates nothing.
 *
 * <p>Accessors are meaningful only after {@link #parse} returned {@link ParseResult#OK}, and only
 * while the caller leaves the buffer alone. Not thread-safe.
 */
public final class RtpPacket {

    /** Bytes in the fixed header, before any CSRC or extension. */
    public static final int FIXED_HEADER_BYTES = 12;

    /** Why a datagram is not usable RTP; everything but {@link #OK} is a drop the caller counts. */
    public enum ParseResult {
        OK,
        /** Fewer than 12 bytes: not even a fixed header. */
        TOO_SHORT,
        /** The version field is not 2: not RTP (STUN, DTLS, or garbage on the port). */
        BAD_VERSION,
        /** Valid-looking RTCP arriving on the RTP port (rtcp-mux); see {@link RtpPacket#isRtcp}. */
        RTCP,
        /** The CSRC count says the list runs past the end of the datagram. */
        CSRC_OVERRUN,
        /** The header extension, or its own 4-byte header, runs past the end of the datagram. */
        EXTENSION_OVERRUN,
        /** The P bit is set but the count in the last byte is 0 or eats into the header. */
        BAD_PADDING
    }

    private byte[] buf;
    private int off;
    private int len;
    private int headerLength;
    private int extensionOffset;
    private int extensionLength;
    private int payloadLength;
    private int paddingLength;

    /**
     * Checks {@code buf[off .. off+len)} and, on {@link ParseResult#OK}, makes this object a view
     * of it. On any other result this view is left undefined until the next successful parse.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code buf} (a caller bug, not bad input)
     */
    public ParseResult parse(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < FIXED_HEADER_BYTES) {
            return isRtcp(buf, off, len) ? ParseResult.RTCP : ParseResult.TOO_SHORT;
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >>> 6 != 2) {
            return ParseResult.BAD_VERSION;
        }
        if (isRtcpPacketType(buf[off + 1])) {
            return ParseResult.RTCP;
        }
        int pos = FIXED_HEADER_BYTES + 4 * (b0 & 0x0F);
        if (pos > len) {
            return ParseResult.CSRC_OVERRUN;
        }
        int extOffset = -1;
        int extLength = 0;
        if ((b0 & 0x10) != 0) {
            if (pos + 4 > len) {
                return ParseResult.EXTENSION_OVERRUN;
            }
            extLength = 4 * u16(buf, off + pos + 2);
            extOffset = off + pos + 4;
            pos += 4 + extLength;
            if (pos > len) {
                return ParseResult.EXTENSION_OVERRUN;
            }
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            // RFC 3550: the last byte counts the padding including itself, so 0 is invalid.
            padding = buf[off + len - 1] & 0xFF;
            if (padding == 0 || padding > len - pos) {
                return ParseResult.BAD_PADDING;
            }
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.headerLength = pos;
        this.extensionOffset = extOffset;
        this.extensionLength = extLength;
        this.paddingLength = padding;
        this.payloadLength = len - pos - padding;
        return ParseResult.OK;
    }

    /**
     * True if the datagram looks like RTCP multiplexed onto the RTP port (RFC 5761 §4): version 2,
     * at least 8 bytes, and a second byte in 192..223. That range is RTP payload types 64..95 with
     * the marker set, which RFC 5761 forbids for RTP on a muxed port; it covers SR/RR/SDES/BYE/APP
     * (200..204) and also the feedback and XR packets (205..207) that browsers and SBCs send.
     */
    public static boolean isRtcp(byte[] buf, int off, int len) {
        return len >= 8 && (buf[off] & 0xC0) == 0x80 && isRtcpPacketType(buf[off + 1]);
    }

    private static boolean isRtcpPacketType(byte b1) {
        int type = b1 & 0xFF;
        return type >= 192 && type <= 223;
    }

    // ---- fixed header ----------------------------------------------------------------------------

    public int version() {
        return (buf[off] & 0xFF) >>> 6;
    }

    public boolean padding() {
        return (buf[off] & 0x20) != 0;
    }

    public boolean extension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return buf[off] & 0x0F;
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    /** 0..65535. */
    public int sequence() {
        return u16(buf, off + 2);
    }

    /** 0..2^32-1. */
    public long timestamp() {
        return u32(buf, off + 4);
    }

    /** 0..2^32-1. */
    public long ssrc() {
        return u32(buf, off + 8);
    }

    /** The {@code index}-th contributing source, 0 &lt;= index &lt; {@link #csrcCount()}. */
    public long csrc(int index) {
        Objects.checkIndex(index, csrcCount());
        return u32(buf, off + FIXED_HEADER_BYTES + 4 * index);
    }

    // ---- layout ----------------------------------------------------------------------------------

    /** The buffer this view reads. */
    public byte[] buffer() {
        return buf;
    }

    /** Where the packet starts in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** The whole datagram's length, header and padding included. */
    public int length() {
        return len;
    }

    /** Fixed header, CSRCs and extension: the payload starts this far into the packet. */
    public int headerLength() {
        return headerLength;
    }

    /** The 16-bit "defined by profile" field of the header extension, or -1 when there is none. */
    public int extensionProfile() {
        return extensionOffset < 0 ? -1 : u16(buf, extensionOffset - 4);
    }

    /** Absolute index in {@link #buffer()} of the extension data (after its 4-byte header), or -1. */
    public int extensionOffset() {
        return extensionOffset;
    }

    /** Bytes of extension data, excluding its 4-byte header; 0 when there is none. */
    public int extensionLength() {
        return extensionLength;
    }

    /** Absolute index in {@link #buffer()} of the first payload byte. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload bytes, with CSRCs, extension and padding excluded; may be 0. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Padding bytes at the end, including the count byte; 0 when P is clear. */
    public int paddingLength() {
        return paddingLength;
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
