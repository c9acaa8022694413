package dev.patchbay.agents.transcripts.asr;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A streaming recogniser over WebSocket in Deepgram's live protocol: the query names the audio
 * ({@code encoding=linear16&sample_rate=&channels=&multichannel=true&interim_results=true&language=}),
 * {@code Authorization: Token <key>} authenticates, binary frames carry the audio up, and JSON
 * {@code Results} messages come down with {@code channel_index}, {@code start}, {@code duration},
 * {@code is_final} and {@code channel.alternatives[0]} ({@code transcript}, {@code confidence}).
 * {@code {"type":"CloseStream"}} asks for the last results, after which the server closes.
 */
public final class WebSocketAsr implements TranscriptionProvider {

    private static final Logger LOG = Logger.getLogger(WebSocketAsr.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final String apiKey;
    private final HttpClient http;

    /** {@code url}: the recogniser's {@code ws://} or {@code wss://} listen endpoint; {@code apiKey} may be empty. */
    public WebSocketAsr(URI url, String apiKey, Duration connectTimeout) {
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new IllegalArgumentException("patchbay.agents.transcripts.asr.url must be a ws:// or wss:// URL, got " + url);
        }
        this.url = url;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    }

    URI listenUri(Format f) {
        String q = "encoding=linear16&sample_rate=" + f.sampleRate() + "&channels=" + f.channels()
                + "&multichannel=" + (f.channels() > 1) + "&interim_results=true&punctuate=true"
                + (f.language() == null ? "" : "&language=" + URLEncoder.encode(f.language(), StandardCharsets.UTF_8));
        return URI.create(url + (url.getRawQuery() == null ? "?" : "&") + q);
    }

    @Override
    public CompletableFuture<Stream> open(Format format, Consumer<Result> results) {
        Listener listener = new Listener(results);
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Token " + apiKey);
        }
        return b.buildAsync(listenUri(format), listener).thenApply(ws -> new AsrStream(ws, listener.closed));
    }

    private record AsrStream(WebSocket ws, CompletableFuture<Void> closed) implements Stream {
        @Override
        public CompletableFuture<Void> audio(ByteBuffer pcm) {
            return ws.sendBinary(pcm, true).thenApply(w -> null);
        }

        @Override
        public CompletableFuture<Void> finish() {
            ws.sendText("{\"type\":\"CloseStream\"}", true);
            return closed;
        }

        @Override
        public void abort() {
            ws.abort();
            closed.complete(null);
        }
    }

    /** Reads results; text may arrive in parts, so they are joined until the last. */
    private static final class Listener implements WebSocket.Listener {
        private final Consumer<Result> results;
        private final StringBuilder text = new StringBuilder();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Listener(Consumer<Result> results) {
            this.results = results;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    parse(JSON.readTree(message));
                } catch (Exception e) {
                    LOG.warning(() -> "the ASR sent a message that is not JSON; ignored: " + e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }

        private void parse(JsonNode m) {
            if (!"Results".equals(m.path("type").asText())) {
                return; // Metadata, SpeechStarted, UtteranceEnd: nothing to store
            }
            JsonNode alt = m.path("channel").path("alternatives").path(0);
            String transcript = alt.path("transcript").asText("");
            if (transcript.isBlank()) {
                return;
            }
            results.accept(new Result(m.path("channel_index").path(0).asInt(0), transcript, m.path("start").asDouble(),
                    m.path("duration").asDouble(), alt.path("confidence").asDouble(), m.path("is_final").asBoolean()));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
