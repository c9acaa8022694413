package dev.patchbay.control.wss;

import java.net.http.WebSocket;

import com.google.protobuf.ByteString;

/**
 * Carries out a bridge's decoded bot commands on its call: audio, clear and mark to the media leg, call
 * control as unary RPCs, far-end extensions to {@link FarEndSide}, and what the listener records. The
 * socket's own fate (lost, closed) and hang-ups go back to the {@link WssBridge}, which owns the phase.
 * Runs on the socket's listener thread, one message at a time.
 */
final class BotCommandRunner implements BotInbox.Actions {

    private final WssBridge bridge;
    private final String callId;
    private final BridgeListener listener;
    private final MediaLeg media;
    private final BotSendQueue outbox;
    private final FarEndSide farEnd;

    BotCommandRunner(WssBridge bridge, String callId, BridgeListener listener, MediaLeg media, BotSendQueue outbox,
                     FarEndSide farEnd) {
        this.bridge = bridge;
        this.callId = callId;
        this.listener = listener;
        this.media = media;
        this.outbox = outbox;
        this.farEnd = farEnd;
    }

    @Override
    public void play(BotCommand.Audio audio) {
        media.play(audio);
    }

    @Override
    public void play(ByteString audio) {
        media.play(audio);
    }

    @Override
    public void clear() {
        media.clear();
        outbox.cleared();
    }

    @Override
    public void mark(String name) {
        media.mark(name);
    }

    @Override
    public void hangup(String reason) {
        if (farEnd.keepsCall()) {
            listener.action(callId, "hangup-withheld", reason + "; the far end sends the BYE");
            farEnd.handBack(null, reason);
            return;
        }
        listener.action(callId, "hangup", reason);
        bridge.hangup(reason);
    }

    @Override
    public void agentResponse(String propertiesJson) {
        farEnd.agentResponse(propertiesJson);
    }

    @Override
    public void info(String json, boolean isFinal) {
        farEnd.info(json, isFinal);
    }

    @Override
    public void consult(String action, String to, String method, String hold) {
        listener.consult(callId, action, to, method, hold);
    }

    @Override
    public void transfer(String uri) {
        listener.action(callId, "transfer", uri);
        media.transfer(uri, r -> {
            if (r.getReferRefused()) {
                listener.referRefused(callId, uri, r.getFinalStatus());
            } else if (r.getFinalStatus() < 300) {
                listener.action(callId, "transfer-method", "refer");
            } else {
                listener.action(callId, "transfer-failed", uri + " " + r.getFinalStatus());
            }
        }, why -> listener.action(callId, "transfer-failed", why));
    }

    @Override
    public void digits(String digits) {
        listener.action(callId, "dtmf", digits);
        media.digits(digits);
    }

    @Override
    public void returned(String outputContextJson) {
        listener.action(callId, "return", outputContextJson);
        listener.returned(callId, outputContextJson);
    }

    @Override
    public void lost(WebSocket ws, Throwable error) {
        bridge.lost(ws, error);
    }

    @Override
    public void closed(WebSocket ws, int code, String reason) {
        bridge.botClosed(ws, code, reason);
    }
}
