package dev.patchbay.media.sip;

import dev.patchbay.media.config.MediaDefaults;
import io.helidon.config.Config;

/**
 * How large one SIP message may be: over UDP the whole datagram, over TCP and TLS one framed
 * message. A UDP request over the limit is answered 513; a stream message over it closes the
 * connection, since its framing can no longer be trusted.
 *
 * @param udpBytes    patchbay.sip.max-message-size.udp
 * @param streamBytes patchbay.sip.max-message-size.stream
 */
public record MessageLimits(int udpBytes, int streamBytes) {

    /** What the shipped application.yaml sets. */
    public static MessageLimits defaults() {
        return from(MediaDefaults.root().get("patchbay"));
    }

    /** Reads {@code patchbay.sip.max-message-size.*}. */
    public static MessageLimits from(Config patchbay) {
        return new MessageLimits(patchbay.get("sip.max-message-size.udp").asInt().get(),
                patchbay.get("sip.max-message-size.stream").asInt().get());
    }

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
