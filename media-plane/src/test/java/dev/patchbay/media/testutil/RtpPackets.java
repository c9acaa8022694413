package dev.patchbay.media.testutil;

/** RTP packets as a test caller sends them: version 2, no extensions, 20 ms of PCMU per sequence step. */
public final class RtpPackets {

    private RtpPackets() {
    }

    /** Packet {@code seq} of a PCMU stream with SSRC {@code ssrc}: timestamp 160 per step, the payload copied. */
    public static byte[] pcmu(int seq, int ssrc, byte[] payload, int offset, int length) {
        byte[] packet = new byte[12 + length];
        packet[0] = (byte) 0x80;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        int ts = seq * 160;
        packet[4] = (byte) (ts >> 24);
        packet[5] = (byte) (ts >> 16);
        packet[6] = (byte) (ts >> 8);
        packet[7] = (byte) ts;
        packet[8] = (byte) (ssrc >> 24);
        packet[9] = (byte) (ssrc >> 16);
        packet[10] = (byte) (ssrc >> 8);
        packet[11] = (byte) ssrc;
        System.arraycopy(payload, offset, packet, 12, length);
        return packet;
    }

    public static byte[] pcmu(int seq, int ssrc, byte[] payload) {
        return pcmu(seq, ssrc, payload, 0, payload.length);
    }
}
