package dev.patchbay.media.call;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The limits and timeouts every call lives under.
 *
 * @param maxCalls      concurrent calls; the next INVITE gets 503
 * @param playoutFrames bot audio queued per call, in 20 ms frames
 * @param routeTimeout  an offered call's wait for a route decision
 * @param ringTimeout   a ringing call's wait for answer or reject
 * @param ackTimeout    a 200 OK's wait for its ACK
 * @param rtpTimeout    how long a caller may send no RTP before the call is hung up
 * @param jitterMaxMs   the cap on the adaptive jitter buffer's delay
 * @param recordings    where recorded calls are written
 * @param reattachGrace how long a call whose bot stream broke (not closed) waits for a bot to
 *                      re-attach, e.g. a restarted control-plane re-opening its WSS bridge
 */
public record CallPolicy(int maxCalls, int playoutFrames, Duration routeTimeout, Duration ringTimeout,
                         Duration ackTimeout, Duration rtpTimeout, int jitterMaxMs, Path recordings,
                         Duration reattachGrace) {
}
