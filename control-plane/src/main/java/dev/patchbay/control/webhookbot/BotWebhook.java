package dev.patchbay.control.webhookbot;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.control.delivery.OutboundHttp;
import dev.patchbay.control.delivery.OutboundPolicy;
import dev.patchbay.control.delivery.SigningKeys;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.WebhookSigner;
import dev.patchbay.control.metrics.ControlMetrics;
import io.helidon.config.Config;

/**
 * Asks a bot of kind {@code webhook} where to send an inbound call, as a telephony provider asks
 * its customer (seed 001, section 3): a signed JSON POST while the caller hears ringing, answered
 * with a stream URL. Every failure becomes a SIP rejection that names its cause.
 *
 * <p>A timeout is 480, not 503: the bot platform is one callee that did not answer in time, and a
 * 503 from a gateway tells upstream proxies that the gateway itself is overloaded (RFC 3261
 * 21.5.4), which can take the whole trunk out of rotation. A refused connection or a broken answer
 * is 503, as the brief asks: the callee's service is down or broken.
 */
public final class BotWebhook {

    public static final String TIMEOUT_KEY = "patchbay.control.webhook.timeout";
    /** SIP headers forwarded to the bot: only X- headers, and a bounded number of them. */
    static final int MAX_SIP_HEADERS = 32;
    static final int MAX_HEADER_VALUE = 512;

    private final OutboundHttp http;
    private final SsrfGuard guard;
    private final SigningKeys keys;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final AnswerParser parser = new AnswerParser(json);

    private volatile ControlMetrics metrics = ControlMetrics.none();

    public BotWebhook(OutboundHttp http, SsrfGuard guard, SigningKeys keys, Duration timeout, Clock clock) {
        this.http = http;
        this.guard = guard;
        this.keys = keys;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** A client that waits {@code timeout} for an answer, with the SSRF rules and keys from {@code patchbay.control.outbound.*}. */
    public static BotWebhook create(Duration timeout, Config root) {
        SsrfGuard guard = new SsrfGuard(OutboundPolicy.from(root));
        return new BotWebhook(new OutboundHttp(OutboundHttp.newClient(timeout), guard), guard,
                SigningKeys.fromConfig(root), timeout, Clock.systemUTC());
    }

    /**
     * POSTs the call to {@code url} signed with key {@code signingKeyId} and reads the answer.
     * Blocking, up to the timeout: call it on a virtual thread.
     */
    public BotAnswer ask(InboundCall call, URI url, String signingKeyId) {
        return ask(call, url, signingKeyId, null);
    }

    /** As {@link #ask(InboundCall, URI, String)}, within the bot's own {@code answerTimeout} unless it is null. */
    public BotAnswer ask(InboundCall call, URI url, String signingKeyId, Duration answerTimeout) {
        Duration limit = answerTimeout != null ? answerTimeout : timeout;
        // The 480 names what set the limit, so an operator knows whether to look at the bot or the config.
        String setBy = answerTimeout != null ? "the bot's answer_timeout_ms" : TIMEOUT_KEY;
        Optional<WebhookSigner> signer = keys.signer(signingKeyId);
        if (signer.isEmpty()) {
            return AnswerParser.reject("cannot sign the request: " + SigningKeys.missing(signingKeyId));
        }
        String body = payload(call);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, application/xml;q=0.9, text/xml;q=0.9");
        headers.put("User-Agent", "Patchbay-Webhooks/1");
        headers.put(WebhookSigner.DELIVERY_ID_HEADER, call.callSid());
        headers.putAll(signer.get().headers(clock.instant(), body));
        BotAnswer answer = switch (http.post(url, body, headers, limit)) {
            case OutboundHttp.Outcome.Refused r -> AnswerParser.reject("URL refused: " + r.reason());
            case OutboundHttp.Outcome.Failed f when f.kind() == OutboundHttp.Failure.TIMEOUT ->
                    new BotAnswer.Reject(480, "bot webhook: " + f.message() + " (" + setBy + " = "
                            + limit.toMillis() + " ms)");
            case OutboundHttp.Outcome.Failed f -> AnswerParser.reject(f.message());
            case OutboundHttp.Outcome.Response r when r.status() < 200 || r.status() >= 300 ->
                    AnswerParser.reject(SsrfGuard.redacted(r.finalUrl()) + " answered HTTP " + r.status());
            case OutboundHttp.Outcome.Response r when r.truncated() ->
                    AnswerParser.reject("the answer is larger than " + OutboundHttp.MAX_BODY_BYTES / 1024 + " KiB");
            case OutboundHttp.Outcome.Response r -> parser.parse(r.contentType(), r.body());
        };
        BotAnswer checked = checkStreamTarget(answer);
        metrics.botWebhook(switch (checked) {
            case BotAnswer.Stream s -> "stream";
            case BotAnswer.Grpc g -> "grpc";
            case BotAnswer.Reject r when r.sipStatus() == 480 -> "timeout";
            case BotAnswer.Reject r -> "reject";
        });
        return checked;
    }

    /** Where answers are counted by outcome. */
    public void metrics(ControlMetrics metrics) {
        this.metrics = metrics;
    }

    /** The stream URL is user-supplied too: the same SSRF rules apply before anyone connects to it. */
    private BotAnswer checkStreamTarget(BotAnswer answer) {
        if (!(answer instanceof BotAnswer.Stream s)) {
            return answer;
        }
        return switch (guard.check(s.url(), SsrfGuard.WEBSOCKET_SCHEMES)) {
            case SsrfGuard.Verdict.Allowed a -> s;
            case SsrfGuard.Verdict.Refused r -> AnswerParser.reject("stream URL refused: " + r.reason());
            case SsrfGuard.Verdict.Unresolved u -> AnswerParser.reject("stream URL: " + u.reason());
        };
    }

    String payload(InboundCall call) {
        ObjectNode root = json.createObjectNode();
        root.put("call_sid", call.callSid());
        root.put("from_number", call.fromNumber());
        root.put("to_number", call.toNumber());
        root.put("direction", "inbound");
        root.put("workspace_id", call.workspaceId());
        if (!call.attachToken().isEmpty()) {
            // For a bot that answers {"grpc": true}: everything it needs to attach to the Audio stream.
            root.putObject("grpc").put("media_node", call.mediaNode()).put("call_id", call.callSid())
                    .put("attach_token", call.attachToken());
        }
        ObjectNode sip = root.putObject("sip_headers");
        call.sipHeaders().entrySet().stream()
                .filter(e -> e.getKey().regionMatches(true, 0, "X-", 0, 2))
                .sorted(Map.Entry.comparingByKey())
                .limit(MAX_SIP_HEADERS)
                .forEach(e -> sip.put(e.getKey(), e.getValue().length() <= MAX_HEADER_VALUE
                        ? e.getValue() : e.getValue().substring(0, MAX_HEADER_VALUE)));
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook payload", e);
        }
    }
}
