package dev.patchbay.control.wss;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;

/**
 * The bot's side of the socket: joins fragmented messages, decodes them with the dialect and turns them into
 * call actions. The JDK calls a socket's listener one message at a time and a bridge has one live socket at
 * a time, so the reassembly buffers have a single owner. Unknown or malformed messages are counted and the
 * first one per call is logged; none ends the bridge.
 */
final class BotInbox {

    private static final Logger LOG = Logger.getLogger(BotInbox.class.getName());
    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** What decoded bot messages do. */
    interface Actions {
        /** Audio in the inbox's reused buffer: valid only during the call. */
        void play(BotCommand.Audio audio);

        void play(ByteString audio);

        void clear();

        void mark(String name);

        void hangup(String reason);

        void transfer(String uri);

        void digits(String digits);

        /** Attended transfer: {@code action} start, complete or cancel (BotCommand.Consult). */
        void consult(String action, String to, String method, String hold);

        /** The bot hands the call back with its output context (a JSON object). */
        void returned(String outputContextJson);

        void agentResponse(String propertiesJson);

        void info(String json, boolean isFinal);

        void lost(WebSocket ws, Throwable error);

        void closed(WebSocket ws, int code, String reason);
    }

    private final String callId;
    private final Dialect dialect;
    private final Actions actions;
    private final AtomicLong errors = new AtomicLong();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(4096);
    /** Bot audio is decoded into this, so that a media message allocates nothing until it is handed on. */
    private final BotCommand.Audio audio = new BotCommand.Audio();
    private boolean textTooLong;

    BotInbox(String callId, Dialect dialect, Actions actions) {
        this.callId = callId;
        this.dialect = dialect;
        this.actions = actions;
    }

    long errors() {
        return errors.get();
    }

    /** A listener for one connection attempt. */
    WebSocket.Listener listener() {
        return new Listener();
    }

    void dispatch(BotCommand command) {
        switch (command) {
            case BotCommand.Audio a -> actions.play(a);
            case BotCommand.Play p -> actions.play(p.audio());
            case BotCommand.Clear c -> actions.clear();
            case BotCommand.Mark m -> actions.mark(m.name());
            case BotCommand.Hangup h -> actions.hangup(h.reason());
            case BotCommand.Transfer t -> TransferTarget.uri(t.target()).ifPresentOrElse(actions::transfer,
                    () -> invalid("transfer target '" + t.target() + "' is neither a phone number nor a sip:/tel: URI"));
            case BotCommand.Digits d -> {
                if (d.digits().matches("[0-9*#A-Da-d,]{1,32}")) {
                    actions.digits(d.digits());
                } else {
                    invalid("digits '" + d.digits() + "' are not 1-32 of 0-9 * # A-D ,");
                }
            }
            case BotCommand.Consult c -> actions.consult(c.action(), c.to(), c.method(), c.hold());
            case BotCommand.Return r -> actions.returned(r.outputContextJson());
            case BotCommand.AgentResponse a -> actions.agentResponse(a.propertiesJson());
            case BotCommand.Info i -> actions.info(i.json(), i.isFinal());
            case BotCommand.Nothing n -> { }
            case BotCommand.Invalid i -> invalid(i.why());
        }
    }

    private void invalid(String why) {
        if (errors.incrementAndGet() == 1) {
            LOG.warning(() -> "call " + callId + ": ignored a bot message (" + dialect.getClass().getSimpleName() + "): " + why
                    + "; further ones are only counted");
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket ws) {
            // No request(1) yet: the bridge asks for frames once the Audio stream is attached.
            text.setLength(0);
            textTooLong = false;
            binary.clear();
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            textTooLong |= text.length() + data.length() > MAX_MESSAGE_BYTES;
            if (!textTooLong) {
                text.append(data);
            }
            if (last) {
                if (textTooLong) {
                    invalid("a text message over " + MAX_MESSAGE_BYTES + " characters");
                } else {
                    dispatch(dialect.decode(text, audio));
                }
                text.setLength(0);
                textTooLong = false;
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (last && binary.position() == 0) {
                dispatch(dialect.decodeBinary(data, audio));
            } else if (binary.position() + data.remaining() > MAX_MESSAGE_BYTES) {
                binary.clear();
                invalid("a binary message over " + MAX_MESSAGE_BYTES + " bytes");
            } else {
                if (binary.remaining() < data.remaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(Math.max(binary.capacity() * 2, binary.position() + data.remaining()));
                    binary.flip();
                    binary = bigger.put(binary);
                }
                binary.put(data);
                if (last) {
                    binary.flip();
                    dispatch(dialect.decodeBinary(binary, audio));
                    binary.clear();
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            actions.closed(ws, statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            actions.lost(ws, error);
        }
    }
}
