package dev.patchbay.media.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.patchbay.media.codec.G711;

/**
 * A SIP party's RTP on loopback (PCMU): keeps every frame Patchbay sends it and, once started, sends a
 * steady tone back to where Patchbay's packets come from (symmetric RTP), paced at 20 ms.
 */
public final class TonePeer implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<short[]> heard = new ArrayList<>();
    private final Thread reader;
    private volatile SocketAddress patchbay;
    private volatile Thread sender;

    public TonePeer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = Thread.ofPlatform().daemon().name("tone-peer").start(this::read);
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            if (p.getLength() != 12 + 160 || (buf[1] & 0x7F) != 0) {
                continue; // PCMU voice only
            }
            patchbay = p.getSocketAddress();
            short[] pcm = new short[160];
            G711.decodeUlaw(buf, 12, 160, pcm, 0);
            synchronized (heard) {
                heard.add(pcm);
            }
        }
    }

    /** Frames received so far. */
    public int count() {
        synchronized (heard) {
            return heard.size();
        }
    }

    /** Goertzel power at {@code hz} over the last {@code frames} frames received. */
    public double recentPower(double hz, int frames) {
        short[] block = new short[160 * frames];
        synchronized (heard) {
            if (heard.size() < frames) {
                return 0;
            }
            for (int i = 0; i < frames; i++) {
                System.arraycopy(heard.get(heard.size() - frames + i), 0, block, i * 160, 160);
            }
        }
        return Goertzel.power(block, hz);
    }

    /** Sends a {@code hz} tone at about -10 dBFS from now on, once Patchbay's address is known. */
    public void startTone(double hz) {
        sender = Thread.ofPlatform().daemon().name("tone-peer-send").start(() -> {
            byte[] packet = new byte[12 + 160];
            short[] pcm = new short[160];
            long ssrc = 0x5ee0000L + port();
            int seq = 0;
            long next = System.nanoTime();
            while (!socket.isClosed() && !Thread.currentThread().isInterrupted()) {
                SocketAddress to = patchbay;
                if (to != null) {
                    for (int i = 0; i < 160; i++) {
                        pcm[i] = (short) (10000 * Math.sin(2 * Math.PI * hz * (seq * 160 + i) / 8000));
                    }
                    packet[0] = (byte) 0x80;
                    packet[1] = 0;
                    packet[2] = (byte) (seq >> 8);
                    packet[3] = (byte) seq;
                    long ts = seq * 160L;
                    for (int i = 0; i < 4; i++) {
                        packet[4 + i] = (byte) (ts >> (24 - 8 * i));
                        packet[8 + i] = (byte) (ssrc >> (24 - 8 * i));
                    }
                    G711.encodeUlaw(pcm, 0, 160, packet, 12);
                    try {
                        socket.send(new DatagramPacket(packet, packet.length, to));
                    } catch (IOException e) {
                        return;
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
        socket.close();
        reader.join(2000);
    }
}
