package dev.patchbay.control.bot;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.wss.BridgeTarget;

/**
 * Integrations whose far end, not Patchbay, ends the call once the bot is done (Ameyo, RingCX): which
 * calls they are, and what happens when their bot hands a call back.
 */
public interface FarEnds {

    /** Every call is ended by Patchbay, as before any integration existed. */
    FarEnds NONE = new FarEnds() {
        @Override
        public BridgeTarget.FarEnd forCall(CallRecord call) {
            return BridgeTarget.FarEnd.GATEWAY;
        }

        @Override
        public void handedBack(MediaNodeLink link, CallRecord call, String propertiesJson, String why) {
        }

        @Override
        public boolean resumeHandedBack(MediaNodeLink link, CallRecord call) {
            return false;
        }
    };

    BridgeTarget.FarEnd forCall(CallRecord call);

    /** Called on a worker thread, at most once per bridge; see {@code BridgeListener#handedBack}. */
    void handedBack(MediaNodeLink link, CallRecord call, String propertiesJson, String why);

    /**
     * For a call being attached again (another replica took it over, or Ameyo's notification failed and the
     * bot is to have the call back): true if its bot had handed it back and the far end's BYE is still awaited,
     * in which case the bot must not be connected again. RingCX's wait is re-armed for the time that is left;
     * Ameyo's lives in the database and needs no re-arming.
     */
    boolean resumeHandedBack(MediaNodeLink link, CallRecord call);
}
