package dev.patchbay.control.call;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.patchbay.control.integration.ringcx.RingCxInfo;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.Answer;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.Reject;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.RouteDecision;

/**
 * A call routed to a webhook bot: the caller hears ringing while the bot platform decides, then its answer
 * (a stream, a gRPC attach or a refusal) is recorded on the call and sent to the media-plane.
 */
final class WebhookBotCalls {

    private final CallStore store;
    private final BotWebhookClient webhooks;
    private final RingingSounds ringing;
    private final RingCxInfo ringCx;

    WebhookBotCalls(CallStore store, BotWebhookClient webhooks, RingingSounds ringing, RingCxInfo ringCx) {
        this.store = store;
        this.webhooks = webhooks;
        this.ringing = ringing;
        this.ringCx = ringCx;
    }

    /** Rings, asks, and decides; {@code answer} is built once the answer is recorded, as it reads the call's events. */
    void route(MediaNodeLink link, CallOffered offer, Route.ToBot bot, CallRecord call, Map<String, String> vendorParameters,
               Supplier<Answer.Builder> answer) {
        String id = call.id();
        // Seed 001: the caller hears ringing while the bot platform decides: their network's on a 180, or
        // ours as early media (183 with SDP) where the DID or bot asks for it, since many carriers play nothing.
        Ring.Builder ring = ringing.ring(bot.settings().earlyMedia(), note -> store.event(id, "early_media", note));
        link.decide(CallFlow.decision(id, bot).setRing(ring));
        if (ring.hasEarlyMedia()) {
            store.event(id, "early_media", ring.getEarlyMedia().hasWav() ? "183 with clip " + bot.settings().earlyMedia().clip()
                    : "183 with ringback " + ring.getEarlyMedia().getRingback().getCadence());
        }
        switch (webhooks.ask(bot.url(), bot.workspaceId(), call, offer.getAttachToken(), bot.settings().answerTimeout())) {
            case BotWebhookClient.Answer.Stream s -> {
                store.stream(id, new CallRecord.Stream(s.url(), s.dialect() != null ? s.dialect()
                        : bot.dialect() == null ? "twilio" : bot.dialect(), s.sampleRate(), BotParameters.json(BotParameters.of(
                        offer, vendorParameters, answered(bot.settings().customParameters(), s.customParameters())))));
                store.event(id, "webhook", "stream to " + s.url());
                if (s.infoOnEnd() != null) {
                    ringCx.answerNamed(id, s.infoOnEnd()); // sent once the stream ends, by whichever replica holds it
                }
                link.decide(CallFlow.decision(id, bot).setAnswer(answer.get()));
            }
            case BotWebhookClient.Answer.Grpc g -> {
                store.stream(id, new CallRecord.Stream(null, "grpc", 8000, null));
                store.event(id, "webhook", "the bot attaches over gRPC");
                link.decide(CallFlow.decision(id, bot).setAnswer(answer.get()));
            }
            case BotWebhookClient.Answer.Reject r -> {
                store.event(id, "webhook", "rejected: " + r.sipStatus() + " " + r.reason());
                link.decide(decision(id).setReject(Reject.newBuilder().setSipStatus(r.sipStatus()).setReason(r.reason())));
            }
        }
    }

    /** The bot's configured parameters, then its webhook answer's, which win on a clash. */
    private static Map<String, String> answered(Map<String, String> configured, Map<String, String> given) {
        Map<String, String> all = new LinkedHashMap<>(configured);
        if (given != null) {
            all.putAll(given);
        }
        return all;
    }

    private static RouteDecision.Builder decision(String id) {
        return RouteDecision.newBuilder().setCallId(id);
    }
}
