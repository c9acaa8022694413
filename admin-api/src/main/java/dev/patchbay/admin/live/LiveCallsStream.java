package dev.patchbay.admin.live;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.call.CallFilter;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * {@code GET /v1/live-calls/stream}: the live calls as server-sent events, scoped as {@code GET /v1/live-calls}
 * (the operator: every workspace, or one by {@code ?workspace_id=}; a workspace admin key: its own only). Each
 * event is {@code event: calls} with the whole snapshot as {@code data} (the same items as the list, each with
 * {@code media}: codec, jitter, loss, MOS), one per {@code patchbay.admin.live.interval}; a full snapshot every
 * time rather than changes, so a client that missed one is right again at the next. The key travels in the
 * Authorization header like every call (the console reads this with fetch(), not EventSource, which cannot
 * send one): never in the URL. A client that falls behind gets {@code event: dropped} when it can still be
 * written to, and its stream ends; it reconnects and starts from a fresh snapshot.
 */
public final class LiveCallsStream {

    private static final Logger LOG = Logger.getLogger(LiveCallsStream.class.getName());
    /** A comment this often keeps proxies from closing a stream that a stalled database left without data. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final LiveCallsHub hub;
    private final Consumer<String> requireWorkspace;

    public LiveCallsStream(LiveCallsHub hub, Consumer<String> requireWorkspace) {
        this.hub = hub;
        this.requireWorkspace = requireWorkspace;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/v1/live-calls/stream", Access.ANY, this::stream));
    }

    private void stream(ServerRequest req, ServerResponse res) {
        String ws = Access.scope(req, CallFilter.from(req).workspaceId(), requireWorkspace);
        try (LiveCallsWatcher watcher = hub.watch(ws)) {
            // The SSE sink sets Cache-Control: no-cache itself. nginx and similar proxies buffer responses unless
            // told otherwise, which would hold the events back.
            res.header("X-Accel-Buffering", "no");
            try (SseSink sink = res.sink(SseSink.TYPE)) {
                forward(watcher, sink);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The client went away mid-write: the usual end of a stream, not an error of ours.
            LOG.log(Level.FINE, "live-calls stream ended: " + e.getMessage(), e);
        }
    }

    private static void forward(LiveCallsWatcher watcher, SseSink sink) throws InterruptedException {
        while (true) {
            String snapshot = watcher.next(KEEP_ALIVE);
            switch (watcher.ended()) {
                case TOO_SLOW -> {
                    sink.emit(SseEvent.builder().name("dropped").data("{\"reason\":\"the client read the stream too"
                            + " slowly (patchbay.admin.live.client-buffer snapshots behind); reconnect\"}").build());
                    return;
                }
                case STOPPING -> {
                    return;
                }
                case NONE -> sink.emit(snapshot == null ? SseEvent.builder().comment("keep-alive").build()
                        : SseEvent.builder().name("calls").data(snapshot).build());
            }
        }
    }
}
