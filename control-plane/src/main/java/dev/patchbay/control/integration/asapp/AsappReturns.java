package dev.patchbay.control.integration.asapp;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.control.call.BotReturns;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.delivery.HangupCallbacks;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;

/**
 * The end of a transferred call (seed 004, step 2). The bot hands the call back with an outputContext,
 * over WSS or REST: it is stored, the transfer turns COMPLETED, then the return type is carried out (BYE
 * hangs up, REFER sends the returnURI verbatim as Refer-To, INVITE bridges the caller to a new leg INVITEd
 * to the returnURI with the transfer's digest credentials while the bot listens on). A caller who hangs up
 * first completes the transfer without an outputContext.
 *
 * <p>An INVITE return whose new leg fails (4xx-6xx, no answer) leaves the caller with the bot, as a
 * contact centre expects: the caller is never dropped in silence. The failure is a {@code bridge-failed}
 * call event; the bot, still attached and still heard, can say so and hang up.
 */
public final class AsappReturns implements BotReturns, HangupCallbacks {

    private static final Logger LOG = Logger.getLogger(AsappReturns.class.getName());

    private final TransferStore transfers;
    private final CallStore calls;
    private final CallActions actions;
    private final SecretBox secrets;

    public AsappReturns(TransferStore transfers, CallStore calls, CallActions actions, SecretBox secrets) {
        this.transfers = transfers;
        this.calls = calls;
        this.actions = actions;
        this.secrets = secrets;
    }

    /** What a return did: the transfer it completed, and the Refer-To sent (null for BYE). */
    public record Done(CallTransfer transfer, String referTo) { }

    /**
     * Completes the call's transfer with {@code outputContext}, then hands the call back.
     *
     * @throws ProblemException 422 for a bad outputContext, 409 when the call has no ONGOING transfer,
     *                          or the media-plane's refusal of the return
     */
    public Done complete(CallRecord call, JsonNode outputContext) {
        String json = TransferJson.outputContext(outputContext);
        CallTransfer t = transfers.byCall(call.id()).orElseThrow(() -> ProblemException.conflict("call " + call.id()
                + " did not come through an ASAPP call transfer, so it has nothing to return to", "id"));
        if (!transfers.complete(call.id(), json)) {
            throw ProblemException.conflict("call transfer " + t.id() + " is " + t.status()
                    + "; the call was already handed back or ended", "id");
        }
        calls.event(call.id(), "asapp-completed", t.id() + " by " + t.returnType());
        try {
            return switch (t.returnType()) {
                case BYE -> {
                    actions.hangup(call, "returned to the contact centre (ASAPP transfer " + t.id() + ", BYE)");
                    yield new Done(t, null);
                }
                case REFER -> new Done(t, actions.transfer(call, t.returnUri()));
                case INVITE -> {
                    bridge(call, t);
                    yield new Done(t, null);
                }
            };
        } catch (CallActions.Refused e) {
            throw ProblemException.of(e.httpStatus(), "the outputContext is stored and the transfer COMPLETED, but the "
                    + t.returnType() + " return failed: " + e.getMessage(), List.of(new FieldError("sip.returnTransferType",
                    e.getMessage())));
        }
    }

    /** Starts the INVITE return; its outcome, later, is a call event (bridge-answered or bridge-failed). */
    private void bridge(CallRecord call, CallTransfer t) {
        String password = t.authPasswordEnc() == null ? null : secrets.open(t.authPasswordEnc());
        actions.bridge(call, t.returnUri(), t.authUsername(), password).whenComplete((r, error) -> {
            if (error != null) {
                LOG.info(() -> "call " + call.id() + ": the INVITE return to " + t.returnUri() + " failed: "
                        + error.getMessage() + "; the caller stays with the bot");
                calls.event(call.id(), "bridge-failed", error.getMessage() + "; the caller stays with the bot");
            } else if (r.getSipStatus() >= 200 && r.getSipStatus() < 300) {
                calls.event(call.id(), "bridge-answered", t.returnUri() + " answered " + r.getSipStatus() + " as leg "
                        + r.getLegCallId() + "; the bot listens on");
            } else {
                calls.event(call.id(), "bridge-failed", t.returnUri() + " answered " + r.getSipStatus() + " ("
                        + r.getReason() + "); the caller stays with the bot");
                LOG.info(() -> "call " + call.id() + ": the INVITE return to " + t.returnUri() + " failed with "
                        + r.getSipStatus() + "; the caller stays with the bot");
            }
        }).exceptionally(e -> {
            // Nobody else holds this stage: an event that cannot be written is at least logged.
            LOG.log(Level.WARNING, "call " + call.id() + ": recording the INVITE return's outcome failed", e);
            return null;
        });
    }

    /**
     * A {@code return} from a WSS bot. The bot has no one to answer to, so a return that is not carried out
     * is logged with its reason, and is a call event where the call has a row for one.
     */
    @Override
    public void returned(String callId, String outputContextJson) {
        try {
            CallRecord call = calls.find(callId).orElse(null);
            if (call == null) {
                LOG.warning(() -> "call " + callId + ": the bot's return was dropped: the call has no record here");
                return;
            }
            complete(call, TransferJson.read(outputContextJson));
        } catch (ProblemException e) {
            String fields = e.errors().stream().map(f -> f.field() + ": " + f.detail()).toList().toString();
            LOG.info(() -> "call " + callId + ": the bot's return was refused: " + e.detail() + " " + fields);
            calls.event(callId, "return-refused", e.detail() + (e.errors().isEmpty() ? "" : " " + fields));
        } catch (RuntimeException e) {
            // A database or media-plane failure: the transfer may or may not be COMPLETED, so say so plainly.
            LOG.log(Level.WARNING, "call " + callId + ": the bot's return failed", e);
            calls.event(callId, "return-refused", "failed: " + e);
        }
    }

    /** The call ended: a transfer still ONGOING completes without an outputContext (the caller hung up). */
    @Override
    public void ended(CallRecord call) {
        if (transfers.endedWithoutReturn(call.id())) {
            LOG.fine(() -> "call " + call.id() + ": ended before its bot returned; transfer completed without context");
        }
    }
}
