package dev.patchbay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * A Twilio Media Streams bot that says back what it hears: every inbound {@code media} event is
 * returned as bot media on the same socket, as fast as it arrives. It stands in for a real bot so
 * that the WSS bridge's own cost can be measured.
 */
final class WsEchoBot implements AutoCloseable {

    private final WebServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final StreamRates rates = new StreamRates();

    WsEchoBot() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/echo", Echo::new))
                .build().start();
    }

    /** Per-stream arrival of caller frames, for the continuity figures. */
    StreamRates rates() {
        return rates;
    }

    String url() {
        return "ws://127.0.0.1:" + server.port() + "/echo";
    }

    @Override
    public void close() {
        server.stop();
    }

    /** One socket; Helidon calls it one message at a time. */
    private final class Echo implements WsListener {
        private final StringBuilder text = new StringBuilder();
        private final StreamRates.Stream arrivals = rates.open();

        @Override
        public void onMessage(WsSession session, String data, boolean last) {
            text.append(data);
            if (!last) {
                return;
            }
            String message = text.toString();
            text.setLength(0);
            if (!message.contains("\"media\"")) {
                return;
            }
            arrivals.frame(System.nanoTime());
            try {
                JsonNode m = json.readTree(message);
                session.send("{\"event\":\"media\",\"streamSid\":\"" + m.get("streamSid").asText()
                        + "\",\"media\":{\"payload\":\"" + m.get("media").get("payload").asText() + "\"}}", true);
            } catch (java.io.IOException e) {
                session.close(1011, "unreadable message");
            }
        }
    }
}
