package dev.patchbay.media.call;

import java.util.List;

import dev.patchbay.media.sdp.CodecOrder;
import dev.patchbay.media.sdp.Negotiated;
import dev.patchbay.media.sdp.Negotiator;
import dev.patchbay.media.sdp.SdpException;

/**
 * Answers an inbound call's offer again under the codec order of the trunk that admitted it
 * (RouteDecision.codecs). The INVITE's offer is checked against the default order on arrival, before
 * routing knows the trunk; the trunk's order can only be applied once routing decides, and only while
 * nothing of the answer has been sent (no media started), so the caller never sees two answers.
 */
final class TrunkCodecs {

    /** What applying an order came to. */
    sealed interface Outcome {
        /** The call may go on (reordered, or nothing to reorder). */
        record Go() implements Outcome { }

        /** The trunk takes none of the offered codecs, or its order is invalid: end the call so. */
        record Refuse(int sipStatus, String reason) implements Outcome { }
    }

    private static final Outcome GO = new Outcome.Go();

    private TrunkCodecs() {
    }

    static Outcome apply(Call call, List<String> codecs) {
        if (codecs.isEmpty() || call.offer() == null || call.media() != null
                || !(call.state() instanceof CallState.Offered || call.state() instanceof CallState.Ringing)) {
            return GO;
        }
        CodecOrder order;
        try {
            order = CodecOrder.of(codecs);
        } catch (IllegalArgumentException e) {
            return new Outcome.Refuse(500, "the route decision's codecs are invalid: " + e.getMessage());
        }
        try {
            Negotiated n = Negotiator.answer(call.offer(), order);
            call.negotiated(n);
            return GO;
        } catch (SdpException e) {
            return new Outcome.Refuse(488, "the trunk's codec order " + order.names() + " takes none of the offered codecs: "
                    + e.getMessage());
        }
    }
}
