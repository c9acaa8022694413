package dev.patchbay.media.sip;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

import dev.patchbay.media.call.Call;
import dev.patchbay.media.call.TransferOutcome;

/**
 * Blind transfer (RFC 3515): REFER to the target, then follow the NOTIFYs whose message/sipfrag
 * bodies report the new call's progress, until a final status. One transfer per call at a time.
 */
final class Transfers {

    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern SIPFRAG = Pattern.compile("^SIP/2\\.0 (\\d{3})");

    private final SipTools sip;
    private final DialogRequests requests;
    private final ConcurrentHashMap<String, CompletableFuture<TransferOutcome>> inProgress = new ConcurrentHashMap<>();

    Transfers(SipTools sip, DialogRequests requests) {
        this.sip = sip;
        this.requests = requests;
    }

    /**
     * Starts a transfer. Completes with the target's final status from the NOTIFYs, or with REFER's
     * own status when the caller refuses it (e.g. 405, 501, 603).
     */
    CompletableFuture<TransferOutcome> start(Call call, SipLeg leg, String target) {
        CompletableFuture<TransferOutcome> result = new CompletableFuture<>();
        if (inProgress.putIfAbsent(call.sipCallId(), result) != null) {
            return CompletableFuture.completedFuture(TransferOutcome.notified(Response.REQUEST_PENDING));
        }
        // A target that never answers must not hold the RPC forever; 408 says the outcome is unknown.
        result.completeOnTimeout(TransferOutcome.notified(Response.REQUEST_TIMEOUT), TIMEOUT_SECONDS, TimeUnit.SECONDS);
        result.whenComplete((status, error) -> inProgress.remove(call.sipCallId(), result));
        requests.refer(leg.dialog, target, leg.contact).thenAccept(status -> {
            if (status >= 300) {
                result.complete(new TransferOutcome(status, true));
            }
        });
        return result;
    }

    /** A NOTIFY in a call: answered 200, and its sipfrag advances the transfer. */
    void onNotify(RequestEvent event, ServerTransaction tx, Call call) throws ParseException {
        Request notify = event.getRequest();
        SipTools.send(tx, sip.response(Response.OK, notify, null, null));
        byte[] body = notify.getRawContent();
        CompletableFuture<TransferOutcome> transfer = call == null ? null : inProgress.get(call.sipCallId());
        if (transfer == null || body == null) {
            return;
        }
        Matcher m = SIPFRAG.matcher(new String(body, StandardCharsets.UTF_8));
        if (m.find()) {
            int status = Integer.parseInt(m.group(1));
            if (status >= 200) {
                transfer.complete(TransferOutcome.notified(status));
            }
        }
    }

    /** The call ended while transferring: the outcome is unknown to us, so say so. */
    void callEnded(Call call) {
        CompletableFuture<TransferOutcome> transfer = inProgress.remove(call.sipCallId());
        if (transfer != null) {
            transfer.complete(TransferOutcome.notified(Response.REQUEST_TERMINATED));
        }
    }
}
