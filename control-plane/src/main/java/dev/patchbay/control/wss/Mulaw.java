package dev.patchbay.control.wss;

/**
 * G.711 mu-law encoding for Plivo bots that send L16 on a mu-law stream: Sun g711.c's 16-bit
 * {@code linear2ulaw} (negative samples negated, low bits truncated). It equals the media-plane's encoder
 * on the 14-bit-aligned inputs G.711 defines; elsewhere the media-plane rounds, one step at most apart.
 */
final class Mulaw {

    private static final int BIAS = 0x84;

    private Mulaw() {
    }

    static byte encode(short sample) {
        int pcm = sample;
        int mask;
        if (pcm < 0) {
            pcm = BIAS - pcm;
            mask = 0x7F;
        } else {
            pcm += BIAS;
            mask = 0xFF;
        }
        int seg = 32 - Integer.numberOfLeadingZeros(pcm >> 8); // the first segment whose end (0xFF << seg | 0xFF) holds pcm
        if (seg >= 8) {
            return (byte) (0x7F ^ mask);
        }
        return (byte) (((seg << 4) | ((pcm >> (seg + 3)) & 0xF)) ^ mask);
    }
}
