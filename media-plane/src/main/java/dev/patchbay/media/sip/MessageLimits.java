package dev.patchbay.media.sip;

/**
 * How large one SIP message may be: over UDP the whole datagram, over TCP and TLS one framed
 * message. A UDP request over the limit is answered 513; a stream message over it closes the
 * connection, since its framing can no longer be trusted.
 *
 * @param udpBytes    patchbay.sip.max-message-size.udp
 * @param streamBytes patchbay.sip.max-message-size.stream
 */
public record MessageLimits(int udpBytes, int streamBytes) {

    /** What application.yaml sets; for tests that build the config by hand. */
    public static final MessageLimits DEFAULTS = new MessageLimits(65536, 65536);

    public MessageLimits {
        // jain-sip raises anything lower to 4096, and reads UDP datagrams into a buffer of the stream
        // size, so a UDP limit above the stream limit would be cut off before it could be checked.
        if (udpBytes < 4096 || streamBytes < 4096) {
            throw new IllegalArgumentException("patchbay.sip.max-message-size.udp and .stream must be at least 4096 bytes, got "
                    + udpBytes + " and " + streamBytes);
        }
        if (udpBytes > streamBytes) {
            throw new IllegalArgumentException("patchbay.sip.max-message-size.udp (" + udpBytes
                    + ") must not exceed patchbay.sip.max-message-size.stream (" + streamBytes + ")");
        }
    }
}
