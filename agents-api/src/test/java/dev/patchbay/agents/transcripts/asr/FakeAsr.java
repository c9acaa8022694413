package dev.patchbay.agents.transcripts.asr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * A stand-in for an external ASR service, speaking Deepgram's live protocol over a real WebSocket on
 * loopback. It is the one stand-in issue 18 allows: no ASR service can run here. It "recognises" only
 * how much audio each channel sent: an interim result per second of audio, and on CloseStream one final
 * result per channel naming the bytes it got, then it closes.
 */
public final class FakeAsr implements AutoCloseable {

    /** What one connection asked for. */
    record Seen(String query, String authorization) { }

    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final WebServer server;

    public FakeAsr() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/v1/listen", Conn::new))
                .build().start();
    }

    /** A Patchbay recording: stereo 16-bit at {@code rate}, {@code seconds} long, a ramp on both sides. */
    public static byte[] wav(int rate, double seconds) {
        int data = (int) (rate * seconds) * 4;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data).put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 2)
                .putInt(rate).putInt(rate * 4).putShort((short) 4).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        for (int i = 0; b.hasRemaining(); i++) {
            b.putShort((short) (i * 37));
        }
        return b.array();
    }

    public String url() {
        return "ws://127.0.0.1:" + server.port() + "/v1/listen";
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Conn implements WsListener {
        private int channels = 1;
        private int bytesPerSecond;
        private long bytes;
        private final StringBuilder text = new StringBuilder();

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            String query = prologue.query().rawValue();
            seen.add(new Seen(query, headers.first(HeaderNames.AUTHORIZATION).orElse("")));
            int rate = Integer.parseInt(param(query, "sample_rate"));
            channels = Integer.parseInt(param(query, "channels"));
            bytesPerSecond = rate * channels * 2;
            return Optional.empty();
        }

        private static String param(String query, String name) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
            throw new IllegalArgumentException("no " + name + " in " + query);
        }

        @Override
        public void onMessage(WsSession session, BufferData data, boolean last) {
            long before = bytes;
            bytes += data.available();
            data.skip(data.available());
            if (bytes / bytesPerSecond > before / bytesPerSecond) {
                session.send(result(0, "partial " + bytes / bytesPerSecond, false), true);
            }
        }

        @Override
        public void onMessage(WsSession session, String data, boolean last) {
            text.append(data);
            if (!last) {
                return;
            }
            if (text.toString().contains("\"CloseStream\"")) {
                session.send("{\"type\":\"Metadata\",\"request_id\":\"fake\"}", true);
                for (int c = 0; c < channels; c++) {
                    session.send(result(c, "channel " + c + " heard " + bytes + " bytes", true), true);
                }
                session.close(1000, "done");
            }
            text.setLength(0);
        }

        private String result(int channel, String transcript, boolean isFinal) {
            double seconds = (double) bytes / bytesPerSecond;
            return "{\"type\":\"Results\",\"channel_index\":[" + channel + "," + channels + "],\"duration\":1.0,\"start\":"
                    + Math.max(0, seconds - 1) + ",\"is_final\":" + isFinal + ",\"channel\":{\"alternatives\":[{\"transcript\":\""
                    + transcript + "\",\"confidence\":0.9" + channel + "}]}}";
        }
    }
}
