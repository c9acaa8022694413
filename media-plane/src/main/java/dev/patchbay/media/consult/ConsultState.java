package dev.patchbay.media.consult;

import dev.patchbay.media.call.Call;
import dev.patchbay.proto.media.v1.ConsultCompletion;

/** Where a caller's attended transfer is. Moves forward only, except a failed REFER_REPLACES back to Talking. */
sealed interface ConsultState {

    /** The consult leg's INVITE is out; the caller is held. */
    record Placing(Call leg) implements ConsultState { }

    /** The target answered; the bot talks with it on the leg's own stream. */
    record Talking(Call leg) implements ConsultState { }

    /** CompleteConsult is under way (a REFER awaiting its final NOTIFY). */
    record Completing(Call leg) implements ConsultState { }

    /** Caller and target are joined, by {@code method}; the bot has left both. */
    record Joined(Call leg, ConsultCompletion method) implements ConsultState { }

    /** Failed, cancelled, or one side left before the completion; the caller is back with the bot or gone. */
    record Over() implements ConsultState { }
}
