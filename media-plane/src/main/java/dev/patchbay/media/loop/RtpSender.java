package dev.patchbay.media.loop;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ThreadLocalRandom;

import dev.patchbay.media.dtmf.Rfc4733Sender;
import dev.patchbay.media.rtp.RtpHeaderWriter;
import dev.patchbay.media.srtp.SrtpContext;

/**
 * The send stage of one call: one packet per slot, voice or a telephone-event, SRTP-protected when
 * the call is keyed. Owned by the call's media loop; one preallocated buffer serves every packet.
 */
final class RtpSender {

    static final int SAMPLES = 160;
    /** A voice payload's size: 20 ms of G.711 or G.722, and the cap on an Opus packet (24 kbit/s needs about 60). */
    static final int VOICE_BYTES = SAMPLES;
    static final int VOICE_PACKET = RtpHeaderWriter.HEADER_BYTES + VOICE_BYTES;

    private final DatagramChannel channel;
    private final byte[] bytes = new byte[VOICE_PACKET + SrtpContext.TAG_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(bytes);
    private final long ssrc = ThreadLocalRandom.current().nextLong(1L << 32);
    private int sequence = ThreadLocalRandom.current().nextInt(1 << 16);
    private long timestamp = ThreadLocalRandom.current().nextLong(1L << 32);
    /** RTP clock ticks per 20 ms slot: 160 at 8 kHz (G.711, and G.722 by RFC 3551), 960 for Opus's 48 kHz. */
    private final int ticksPerSlot;
    private SocketAddress to;
    private SrtpContext srtp;
    private boolean firstSent;
    private long sent;
    private long failed;

    RtpSender(DatagramChannel channel, SocketAddress to) {
        this(channel, to, 8000);
    }

    /** A sender whose RTP clock runs at {@code clockRate}, fixed for the call like its sample rate. */
    RtpSender(DatagramChannel channel, SocketAddress to, int clockRate) {
        this.channel = channel;
        this.to = to;
        this.ticksPerSlot = clockRate / 50;
    }

    /** Where packets go: the SDP address, then the latched source. */
    void to(SocketAddress destination) {
        this.to = destination;
    }

    void srtp(SrtpContext context) {
        this.srtp = context;
    }

    /** The packet buffer; a voice payload goes at {@link RtpHeaderWriter#HEADER_BYTES}. */
    byte[] buffer() {
        return bytes;
    }

    long timestamp() {
        return timestamp;
    }

    /** Sends the voice payload already in {@link #buffer()}, or only counts the tick when not sending. */
    void voice(int payloadType, boolean enabled) {
        voice(payloadType, VOICE_BYTES, enabled);
    }

    /** The same for a payload of {@code payloadBytes} (at most {@link #VOICE_BYTES}): Opus's vary. */
    void voice(int payloadType, int payloadBytes, boolean enabled) {
        RtpHeaderWriter.write(bytes, 0, !firstSent, payloadType, sequence, timestamp, ssrc);
        if (enabled) {
            transmit(RtpHeaderWriter.HEADER_BYTES + payloadBytes);
        }
        sequence = (sequence + 1) & 0xFFFF;
    }

    /** Sends a telephone-event packet; a repeated end packet keeps the previous sequence number. */
    void event(Rfc4733Sender dtmf, int payloadType, boolean repeat, boolean enabled) {
        int seq = repeat ? (sequence - 1) & 0xFFFF : sequence;
        int length = RtpHeaderWriter.HEADER_BYTES + dtmf.write(bytes, RtpHeaderWriter.HEADER_BYTES);
        RtpHeaderWriter.write(bytes, 0, dtmf.marker(), payloadType, seq, dtmf.timestamp(), ssrc);
        if (enabled) {
            transmit(length);
        }
        if (!repeat) {
            sequence = (sequence + 1) & 0xFFFF;
        }
    }

    /** The RTP clock moves 20 ms per slot whatever was sent. */
    void advance() {
        timestamp = (timestamp + ticksPerSlot) & 0xFFFF_FFFFL;
    }

    private void transmit(int length) {
        if (srtp != null) {
            length = srtp.protect(bytes, 0, length);
        }
        buffer.clear().limit(length);
        try {
            channel.send(buffer, to);
            sent++;
            firstSent = true;
        } catch (IOException e) {
            failed++;
        }
    }

    long sent() {
        return sent;
    }

    long failed() {
        return failed;
    }
}
