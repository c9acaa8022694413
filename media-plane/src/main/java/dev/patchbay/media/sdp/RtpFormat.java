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
        return is("G722") ? 16000 : clockRate;
    }
}
