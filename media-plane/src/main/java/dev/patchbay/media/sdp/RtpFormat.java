package dev.patchbay.media.sdp;

/** One payload format of an m= line, with its a=rtpmap and a=fmtp resolved. */
public record RtpFormat(int payloadType, String encoding, int clockRate, String fmtp) {

    public boolean is(String name) {
        return encoding.equalsIgnoreCase(name);
    }

    /**
     * The rate the codec samples at: the clock rate, except G.722's, which RFC 3551 writes as 8000
     * for historical reasons although it samples at 16 kHz.
     */
    public int sampleRate() {
        if (is("G722")) {
            return 16000;
        }
        // Opus's RTP clock is always 48 kHz (RFC 7587); Patchbay decodes and encodes it at 16 kHz,
        // the rate bots and recognisers want, and says so with maxplaybackrate in its answer.
        return isOpus() ? 16000 : clockRate;
    }

    /** Whether this is Opus as RFC 7587 writes it: {@code opus/48000/2}. */
    public boolean isOpus() {
        return is("opus") && clockRate == 48000;
    }
}
