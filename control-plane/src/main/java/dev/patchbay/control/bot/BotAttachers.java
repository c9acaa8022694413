package dev.patchbay.control.bot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;

/**
 * Attaches each call to the bot its record names: echo built in, WSS through the bridge; and tells the
 * media-plane what INFO a gRPC bot may send, which the far-end integrations decide.
 */
public final class BotAttachers implements BotAttacher, AutoCloseable {

    private final BotAttacher wss;
    private final FarEnds farEnds;
    /** The echo bot's one AudioMux stream per media node. */
    private final Map<MediaNodeLink, EchoMux> echoes = new ConcurrentHashMap<>();

    public BotAttachers(BotAttacher wss) {
        this(wss, FarEnds.NONE);
    }

    /** @param farEnds the integrations whose far end ends their calls, which decide what a bot's INFO may be */
    public BotAttachers(BotAttacher wss, FarEnds farEnds) {
        this.wss = wss;
        this.farEnds = farEnds;
    }

    @Override
    public int infoMaxBytes(CallRecord call) {
        return farEnds.forCall(call).infoMaxBytes();
    }

    @Override
    public void finalInfoAccepted(MediaNodeLink link, CallRecord call, int sipStatus) {
        farEnds.handedBack(link, call, null, "the far end accepted the bot's final INFO (" + sipStatus + ")");
    }

    /** Stops the WSS bridges' streams to the media nodes; their calls wait there for a bot to re-attach. */
    @Override
    public void close() {
        if (wss instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the WSS bridges' media streams", e);
            }
        }
    }

    @Override
    public Attachment attach(MediaNodeLink link, CallRecord call, Gone gone) {
        if ("echo".equals(call.stream().dialect())) {
            return echoes.computeIfAbsent(link, l -> new EchoMux(l.channel())).attach(call.id(), call.attachToken(), gone);
        }
        return wss.attach(link, call, gone);
    }
}
