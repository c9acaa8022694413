package dev.patchbay.control.asapp;

import java.util.List;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.control.call.BotReturns;
import dev.patchbay.control.call.CallActions;
import dev.patchbay.control.call.CallRecord;
import dev.patchbay.control.call.HangupCallbacks;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;

/**
 * The end of a transferred call (seed 004, step 2). The bot hands the call back with an outputContext,
 * over WSS or REST: it is stored, the transfer turns COMPLETED, then the return type is carried out (BYE
 * hangs up, REFER sends the returnURI verbatim as Refer-To). A caller who hangs up first completes the
 * transfer without an outputContext.
 */
public final class AsappReturns implements BotReturns, HangupCallbacks {

    private static final Logger LOG = Logger.getLogger(AsappReturns.class.getName());

    private final TransferStore transfers;
    private final CallStore calls;
    private final CallActions actions;

    public AsappReturns(TransferStore transfers, CallStore calls, CallActions actions) {
        this.transfers = transfers;
        this.calls = calls;
        this.actions = actions;
    }

    /** What a return did: the transfer it completed, and the Refer-To sent (null for BYE). */
    public record Done(CallTransfer transfer, String referTo) { }

    /**
     * Completes the call's transfer with {@code outputContext}, then hands the call back.
     *
     * @throws ProblemException 422 for a bad outputContext, 409 when the call has no ONGOING transfer,
     *                          501 for an INVITE return, or the media-plane's refusal of BYE/REFER
     */
    public Done complete(CallRecord call, JsonNode outputContext) {
        String json = TransferJson.outputContext(outputContext);
        CallTransfer t = transfers.byCall(call.id()).orElseThrow(() -> ProblemException.conflict("call " + call.id()
                + " did not come through an ASAPP call transfer, so it has nothing to return to", "id"));
        if (t.returnType() == CallTransfer.ReturnType.INVITE) {
            throw ProblemException.of(501, "call transfer " + t.id() + " returns by INVITE, which Patchbay does not"
                    + " support yet; create transfers with sip.returnTransferType BYE or REFER",
                    new FieldError("sip.returnTransferType", "INVITE is not supported yet"));
        }
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
                case INVITE -> throw new IllegalStateException("checked above");
            };
        } catch (CallActions.Refused e) {
            throw ProblemException.of(e.httpStatus(), "the outputContext is stored and the transfer COMPLETED, but the "
                    + t.returnType() + " return failed: " + e.getMessage(), List.of(new FieldError("sip.returnTransferType",
                    e.getMessage())));
        }
    }

    /** A {@code return} from a WSS bot; a refusal becomes a call event, since the bot has no one to answer to. */
    @Override
    public void returned(String callId, String outputContextJson) {
        CallRecord call = calls.find(callId).orElse(null);
        if (call == null) {
            return;
        }
        try {
            complete(call, TransferJson.read(outputContextJson));
        } catch (ProblemException e) {
            String fields = e.errors().stream().map(f -> f.field() + ": " + f.detail()).toList().toString();
            calls.event(callId, "return-refused", e.detail() + (e.errors().isEmpty() ? "" : " " + fields));
            LOG.info(() -> "call " + callId + ": the bot's return was refused: " + e.detail() + " " + fields);
        } catch (RuntimeException e) {
            calls.event(callId, "return-refused", "not a JSON object: " + e.getMessage());
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
