package dev.patchbay.control.webhookbot;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import dev.patchbay.control.call.BotWebhookClient;
import dev.patchbay.control.model.CallRecord;

/** The call flow's view of a bot platform's webhook, answered by {@link BotWebhook}. */
public final class WebhookBots implements BotWebhookClient {

    private final BotWebhook webhook;

    public WebhookBots(BotWebhook webhook) {
        this.webhook = webhook;
    }

    @Override
    public Answer ask(String webhookUrl, String workspaceId, CallRecord call, String attachToken,
                      Duration timeout) {
        URI url;
        try {
            url = URI.create(webhookUrl == null ? "" : webhookUrl);
        } catch (IllegalArgumentException e) {
            return new Answer.Reject(503, "the bot's webhook URL is not a URL: " + e.getMessage());
        }
        InboundCall inbound = new InboundCall(call.id(), call.from(), call.to(), workspaceId, Map.of(), attachToken,
                call.mediaNode());
        return switch (webhook.ask(inbound, url, workspaceId, timeout)) {
            case BotAnswer.Stream s -> new Answer.Stream(s.url().toString(), s.dialectHint().isEmpty() ? null : s.dialectHint(),
                    s.sampleRateHz(), s.customParameters(), s.infoOnEnd());
            case BotAnswer.Grpc g -> new Answer.Grpc();
            case BotAnswer.Reject r -> new Answer.Reject(r.sipStatus(), r.reason());
        };
    }
}
