package dev.patchbay.media.sdp;

/** An SDP body that cannot be used; the message is safe to put in a SIP Warning header. */
public final class SdpException extends Exception {
    public SdpException(String message) {
        super(message, null, false, false);
    }
}
