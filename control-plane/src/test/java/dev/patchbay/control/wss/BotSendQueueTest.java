package dev.patchbay.control.wss;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send queue's policy for a bot that stops reading. A loopback socket buffers megabytes before a real
 * send stalls, so a stalled socket is played by a hand-written {@link WebSocket} whose sends complete only
 * when the test says so; the bridge tests cover the real sockets.
 */
class BotSendQueueTest {

    /** The shipped patchbay.control.bridge.bot-queue-frames. */
    private static final int QUEUED = BridgeConfig.defaults().botQueueFrames();

    /** Holds every send until released, as a bot that stopped reading would. */
    private static final class StalledSocket implements WebSocket {
        final List<String> sent = new ArrayList<>();
        CompletableFuture<WebSocket> pending;
        int outstanding;

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            assertEquals(0, outstanding, "the JDK allows one outstanding send");
            outstanding++;
            sent.add(data.toString());
            pending = new CompletableFuture<>();
            return pending;
        }

        /** Lets the oldest send finish; the outbox may start the next one inside this call. */
        void release() {
            outstanding--;
            pending.complete(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            throw new AssertionError("twilio sends text only");
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {
        }

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return false;
        }

        @Override
        public boolean isInputClosed() {
            return false;
        }

        @Override
        public void abort() {
        }
    }

    @Test
    void aStalledBotLosesTheOldestCallerAudioButNeverDigitsOrMarks() {
        StalledSocket ws = new StalledSocket();
        AtomicReference<Phase> phase = new AtomicReference<>(new Phase.Open(ws));
        BotSendQueue outbox = new BotSendQueue("CA1", new TwilioDialect(Codecs.target("twilio", 8000)), phase, new BotSendQueue.Events() {
            @Override
            public void stopped(WebSocket socket) {
            }

            @Override
            public void failed(WebSocket socket, Throwable error) {
                throw new AssertionError(error);
            }
        }, QUEUED);
        outbox.opened();
        outbox.drain();
        assertEquals(1, ws.sent.size(), "connected is on its way and stuck");
        int frames = QUEUED + 10;
        for (int f = 0; f < frames; f++) {
            outbox.caller(Codecs.audio(f, f));
            if (f == 5) {
                outbox.caller(Codecs.digit("7", 100));
                outbox.caller(Codecs.mark("early", false));
            }
        }
        assertEquals(10, outbox.dropped(), "only the limit is kept while the bot is stuck");
        while (ws.outstanding > 0) {
            ws.release();
        }
        List<String> media = ws.sent.stream().filter(s -> s.contains("\"event\":\"media\"")).toList();
        assertEquals(QUEUED, media.size());
        assertTrue(media.get(0).contains("\"payload\":\"" + java.util.Base64.getEncoder().encodeToString(new byte[] {10}) + "\""),
                "the oldest frames went first: " + media.get(0));
        assertTrue(ws.sent.get(1).contains("\"event\":\"start\""), ws.sent.get(1));
        assertTrue(ws.sent.get(2).contains("\"event\":\"dtmf\""), "digits survive, in their place: " + ws.sent.get(2));
        assertTrue(ws.sent.get(3).contains("\"name\":\"early\""), "marks survive: " + ws.sent.get(3));
    }
}
