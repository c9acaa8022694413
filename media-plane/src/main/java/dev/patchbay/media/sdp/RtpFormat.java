package dev.patchbay.media.sdp;

/** One payload format of an m= line, with its a=rtpmap and a=fmtp resolved. */
public record RtpFormat(int payloadType, String encoding, int clockRate, String fmtp) {

    public boolean is(String name) {
        return encoding.equalsIgnoreCase(name);
    }
}
