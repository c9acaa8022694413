package dev.patchbay.agents.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.control.delivery.SsrfGuard;
import dev.patchbay.control.delivery.TargetUrls;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.SecretBox;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Seed 003 §8: subscribe a session to events, list and remove subscriptions. */
public final class WebhooksApi {

    private final SessionsApi sessions;
    private final AgentWebhookStore store;
    private final SecretBox secrets;
    private final SsrfGuard guard;

    public WebhooksApi(SessionsApi sessions, AgentWebhookStore store, SecretBox secrets, SsrfGuard guard) {
        this.sessions = sessions;
        this.store = store;
        this.secrets = secrets;
        this.guard = guard;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/webhooks/subscribe", this::subscribe)
                .get(AgentAuth.PREFIX + "/webhooks", this::list)
                .delete(AgentAuth.PREFIX + "/webhooks/{id}", this::delete);
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, List.of("session_id", "webhook_url", "events", "secret"));
        Optional<String> sessionId = body.string("session_id");
        Optional<String> url = body.string("webhook_url");
        Optional<List<String>> events = body.stringList("events");
        Optional<String> secret = body.string("secret");
        body.requireShape();
        AgentSession s = sessions.open(req, sessionId.orElse(null));
        List<FieldError> errors = new ArrayList<>();
        TargetUrls.check(errors, "webhook_url", url.orElse(null), SsrfGuard.HTTP_SCHEMES, true);
        TargetUrls.guard(guard, errors, "webhook_url", url.orElse(null), SsrfGuard.HTTP_SCHEMES);
        List<String> eventList = events.orElse(List.of());
        if (eventList.isEmpty()) {
            errors.add(new FieldError("events", "is required: one or more of " + String.join(", ",
                    AgentEvents.EVENTS.stream().sorted().toList())));
        }
        for (int i = 0; i < eventList.size(); i++) {
            if (!AgentEvents.EVENTS.contains(eventList.get(i))) {
                errors.add(new FieldError("events[" + i + "]", "is not an event; use one of " + String.join(", ",
                        AgentEvents.EVENTS.stream().sorted().toList())));
            }
        }
        if (secret.isEmpty() || secret.get().length() < 16 || secret.get().length() > 256) {
            errors.add(new FieldError("secret", "is required: 16 to 256 characters; deliveries are signed with it"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the subscription has invalid fields", errors);
        }
        AgentWebhookStore.Subscription sub = new AgentWebhookStore.Subscription(SessionTokens.newId("wh"), s.id(),
                url.get().strip(), eventList.stream().distinct().toList(), secrets.seal(secret.get()), "active",
                java.time.Instant.now());
        store.insert(sub);
        res.header("Location", AgentAuth.PREFIX + "/webhooks/" + sub.id());
        ApiJson.send(res, Status.CREATED_201, json(sub));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        ObjectNode out = ApiJson.object();
        ArrayNode list = out.putArray("webhooks");
        store.bySession(s.id()).forEach(w -> list.add(json(w)));
        ApiJson.send(res, Status.OK_200, out);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        AgentWebhookStore.Subscription sub = store.find(id).orElseThrow(() -> ProblemException.notFound(
                "there is no webhook " + id, "id"));
        sessions.session(req, sub.sessionId());
        store.delete(id);
        res.status(Status.NO_CONTENT_204).send();
    }

    private static ObjectNode json(AgentWebhookStore.Subscription s) {
        ObjectNode o = ApiJson.object().put("webhook_id", s.id()).put("session_id", s.sessionId()).put("webhook_url", s.url())
                .put("status", s.status());
        ArrayNode events = o.putArray("events");
        s.events().forEach(events::add);
        o.put("created_at", s.createdAt().toString());
        return o;
    }
}
