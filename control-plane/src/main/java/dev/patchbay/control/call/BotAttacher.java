package dev.patchbay.control.call;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;

/**
 * Connects an answered call's audio to its bot: the built-in echo bot, or the WSS bridge to the
 * bot's URL in its dialect. One attachment per call at a time.
 */
public interface BotAttacher {

    /** A running attachment; closing it detaches without hanging up. */
    interface Attachment extends AutoCloseable {
        @Override
        void close();
    }

    /** Hears when an attachment ends for a reason the media-plane will not report as a hang-up. */
    interface Gone {
        /** The media-plane does not know the call: it ended while no control-plane was listening. */
        void unknownCall(String callId, String reason);
    }

    /**
     * Starts the attachment. Returns quickly; connecting happens in the background and a failure
     * ends the call through the media-plane, which reports the hang-up like any other.
     */
    Attachment attach(MediaNodeLink link, CallRecord call, Gone gone);

    /**
     * The largest INFO body the call's bot may send over the contract (Answer.bot_info_max_bytes, the
     * RingCX bot command); 0 when the call takes no bot INFO.
     */
    default int infoMaxBytes(CallRecord call) {
        return 0;
    }

    /** The far end accepted the bot's final INFO (BotInfoSent): it sends the BYE now, within its timeout. */
    default void finalInfoAccepted(MediaNodeLink link, CallRecord call, int sipStatus) {
    }
}
