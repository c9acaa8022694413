package dev.patchbay.media.loop;

import dev.patchbay.media.codec.G711;
import dev.patchbay.media.dtmf.InbandDtmfGenerator;

/**
 * The send-path stage that plays in-band DTMF to a far end without telephone-event: while digits
 * play, each outgoing 20 ms slot carries the next 20 ms of tone or inter-digit pause in place of the
 * bot's audio, which waits in its queue until the digits are done, as it does for RFC 4733 events.
 * Not summed with the bot's audio, because speech under a tone can push it outside a Q.24
 * receiver's twist and signal-share limits (and speech energy in a pause can bridge two digits).
 * It adds no packet and takes none away. Loop-owned; allocation-free.
 */
final class InbandDtmfOut {

    private final InbandDtmfGenerator tones = new InbandDtmfGenerator();
    private final short[] pcm = new short[InbandDtmfGenerator.FRAME];

    /** Queues digits (0-9 * # A-D, ',' for 500 ms) of {@code toneMs} each; false if invalid or full. */
    boolean enqueue(String digits, int toneMs) {
        return tones.enqueue(digits, toneMs);
    }

    /**
     * Writes the next 20 ms of tone as the slot's G.711 payload at {@code off} if digits are
     * playing.
     *
     * @return whether it did; if not, the payload is the send path's to fill
     */
    boolean apply(byte[] packet, int off, boolean ulaw) {
        if (!tones.next(pcm, 0)) {
            return false;
        }
        if (ulaw) {
            G711.encodeUlaw(pcm, 0, InbandDtmfGenerator.FRAME, packet, off);
        } else {
            G711.encodeAlaw(pcm, 0, InbandDtmfGenerator.FRAME, packet, off);
        }
        return true;
    }
}
