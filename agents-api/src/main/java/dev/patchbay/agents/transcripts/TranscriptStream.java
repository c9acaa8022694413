package dev.patchbay.agents.transcripts;

import java.util.Optional;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

/**
 * One WebSocket connection to {@code /api/v1/transcripts/{call_id}/stream?token=…}. The upgrade is
 * refused unless the token was signed for this call and is unexpired; Helidon then serves the
 * request as plain HTTP, where the agents' auth filter answers 401. The server only talks: the
 * first message is {@code {"type":"ready",…}}, then one {@code {"type":"segment",…}} per segment.
 */
final class TranscriptStream implements WsListener {

    private final TranscriptsApi api;
    private final TranscriptHub hub;
    private String callId;
    private TranscriptHub.Subscriber subscriber;

    TranscriptStream(TranscriptsApi api, TranscriptHub hub) {
        this.api = api;
        this.hub = hub;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String path = prologue.uriPath().path();
        String id = path.substring(TranscriptsApi.BASE.length() + 1, path.length() - "/stream".length());
        String token = prologue.query().first("token").orElse(null);
        if (!api.streamAllowed(id, token)) {
            throw new WsUpgradeException("transcript stream of " + id + ": token missing, invalid or expired");
        }
        callId = id;
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        subscriber = hub.subscribe(callId, new TranscriptHub.Sink() {
            @Override
            public void send(String text) {
                session.send(text, true);
            }

            @Override
            public void close(int code, String reason) {
                session.close(code, reason);
            }
        }, api.readyMessage(callId));
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (subscriber != null) {
            hub.unsubscribe(subscriber);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (subscriber != null) {
            hub.unsubscribe(subscriber);
        }
    }
}
