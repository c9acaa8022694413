package dev.patchbay.media.loop;

import dev.patchbay.proto.media.v1.DtmfSource;

/** Call events the media loop raises for the control-plane. Called on the media loop thread. */
public interface MediaEvents {

    void dtmf(char digit, int durationMs, DtmfSource source);

    /** Media could not start or broke; the call should end with cause ERROR. */
    void mediaFailed(String reason);

    /** The caller has sent no RTP for too long; the call should end with cause MEDIA_TIMEOUT. */
    void mediaTimeout(String reason);
}
