package dev.patchbay.media.sdp;

import java.util.Locale;

/**
 * The RFC 7587 fmtp parameters one side of an Opus call declares as a receiver: what it wants the
 * other side to send. Read from the caller's offer for our encoder; ours go in the answer.
 *
 * @param maxPlaybackRate   the highest audio rate worth sending, Hz (48000 when absent)
 * @param maxAverageBitrate bits per second at most, or 0 when absent
 * @param inbandFec         the receiver decodes in-band FEC, so the sender should add it
 * @param dtx               the receiver prefers discontinuous transmission
 * @param stereo            the receiver prefers stereo
 */
public record OpusParams(int maxPlaybackRate, int maxAverageBitrate, boolean inbandFec, boolean dtx, boolean stereo) {

    /**
     * What Patchbay asks for in its answer: it decodes at 16 kHz, so nothing above 8 kHz of audio is
     * worth sending; mono; FEC, which its concealment uses; and a packet every 20 ms (no DTX), so
     * the jitter buffer and the bot see an unbroken stream.
     */
    public static final String ANSWER = "maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;"
            + "useinbandfec=1;usedtx=0";

    /** The parameters of an fmtp value such as {@code minptime=10;useinbandfec=1}; unknown ones are ignored. */
    public static OpusParams parse(String fmtp) {
        int playback = 48000;
        int bitrate = 0;
        boolean fec = false;
        boolean dtx = false;
        boolean stereo = false;
        for (String p : fmtp.split(";")) {
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            switch (key) {
                case "maxplaybackrate" -> playback = positive(value, playback);
                case "maxaveragebitrate" -> bitrate = positive(value, bitrate);
                case "useinbandfec" -> fec = value.equals("1");
                case "usedtx" -> dtx = value.equals("1");
                case "stereo" -> stereo = value.equals("1");
                default -> { }
            }
        }
        return new OpusParams(playback, bitrate, fec, dtx, stereo);
    }

    /** A malformed number keeps the RFC's default rather than failing the call over a preference. */
    private static int positive(String value, int otherwise) {
        try {
            int v = Integer.parseInt(value);
            return v > 0 ? v : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
