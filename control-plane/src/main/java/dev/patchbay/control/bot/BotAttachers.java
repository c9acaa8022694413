package dev.patchbay.control.bot;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.patchbay.control.call.BotAttacher;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.model.CallRecord;

/** Attaches each call to the bot its record names: echo built in, WSS through the bridge. */
public final class BotAttachers implements BotAttacher {

    private final BotAttacher wss;
    /** The echo bot's one AudioMux stream per media node. */
    private final Map<MediaNodeLink, EchoMux> echoes = new ConcurrentHashMap<>();

    public BotAttachers(BotAttacher wss) {
        this.wss = wss;
    }

    @Override
    public Attachment attach(MediaNodeLink link, CallRecord call, Gone gone) {
        if ("echo".equals(call.stream().dialect())) {
            return echoes.computeIfAbsent(link, l -> new EchoMux(l.channel())).attach(call.id(), call.attachToken(), gone);
        }
        return wss.attach(link, call, gone);
    }
}
