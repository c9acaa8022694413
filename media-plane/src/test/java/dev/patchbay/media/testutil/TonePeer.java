package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.patchbay.media.codec.G711;

/**
 * A SIP party's RTP on loopback (PCMU): an {@link RtpCapture} of what Patchbay sends it that, once started,
 * sends a steady tone back to where Patchbay's packets come from (symmetric RTP), paced at 20 ms.
 */
public final class TonePeer implements AutoCloseable {

    private final RtpCapture capture;
    private volatile Thread sender;

    public TonePeer() throws SocketException {
        capture = new RtpCapture();
    }

    public int port() {
        return capture.port();
    }

    /** How many packets have arrived. */
    public int received() {
        return capture.count();
    }

    /** Where the last packet came from, or null before the first. */
    public SocketAddress source() {
        return capture.source();
    }

    /** Goertzel power at {@code hz} over the last {@code frames} PCMU frames received, or 0 before there are so many. */
    public double recentPower(double hz, int frames) {
        List<RtpCapture.Packet> voice = capture.packets().stream()
                .filter(p -> p.payloadType() == 0 && p.payload().length == 160).toList();
        if (voice.size() < frames) {
            return 0;
        }
        short[] block = new short[160 * frames];
        for (int i = 0; i < frames; i++) {
            G711.decodeUlaw(voice.get(voice.size() - frames + i).payload(), 0, 160, block, i * 160);
        }
        return Goertzel.power(block, hz);
    }

    /** Sends a {@code hz} tone at about -10 dBFS from now on, once Patchbay's address is known. */
    public void startTone(double hz) {
        startTone(hz, null);
    }

    /** Sends a {@code hz} tone to {@code peer} (as its SDP said), or, when null, back to where packets come from. */
    public void startTone(double hz, SocketAddress peer) {
        sender = Thread.ofPlatform().daemon().name("tone-peer-send").start(() -> {
            byte[] packet = new byte[12 + 160];
            short[] pcm = new short[160];
            long ssrc = 0x5ee0000L + port();
            int seq = 0;
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                SocketAddress to = peer != null ? peer : capture.source();
                if (to != null) {
                    for (int i = 0; i < 160; i++) {
                        pcm[i] = (short) (10000 * Math.sin(2 * Math.PI * hz * (seq * 160 + i) / 8000));
                    }
                    packet[0] = (byte) 0x80;
                    packet[2] = (byte) (seq >> 8);
                    packet[3] = (byte) seq;
                    long ts = seq * 160L;
                    for (int i = 0; i < 4; i++) {
                        packet[4 + i] = (byte) (ts >> (24 - 8 * i));
                        packet[8 + i] = (byte) (ssrc >> (24 - 8 * i));
                    }
                    G711.encodeUlaw(pcm, 0, 160, packet, 12);
                    try {
                        capture.send(packet, to);
                    } catch (IOException e) {
                        return; // closed
                    }
                    seq++;
                }
                next += 20_000_000L;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        Thread s = sender;
        if (s != null) {
            s.interrupt();
        }
        capture.close();
    }
}
