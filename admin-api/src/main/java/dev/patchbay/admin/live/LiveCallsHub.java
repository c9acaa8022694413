package dev.patchbay.admin.live;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.call.CallRoutes;
import dev.patchbay.admin.call.CallSummary;
import dev.patchbay.admin.config.LiveFeedConfig;
import dev.patchbay.rest.ApiJson;

/**
 * The live page's one producer: while anyone watches, every {@code interval} it reads the live calls (once for
 * every workspace when the operator watches them all, else once per workspace watched), asks the nodes holding
 * them for their media figures (one round, one deadline) and offers each watcher the snapshot of its own scope.
 * N watchers cost one round, not N. A watcher whose queue is full has fallen {@code client-buffer} snapshots
 * behind and is dropped, so a slow client holds at most that many snapshots in memory.
 */
public final class LiveCallsHub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveCallsHub.class.getName());
    /** The scope key of a watcher of every workspace (the operator without {@code workspace_id}). */
    private static final String ALL = "*";

    private final Function<String, List<CallSummary>> liveCalls;
    private final StatsRound stats;
    private final LiveFeedConfig config;
    private final Clock clock;
    private final AutoCloseable resources;
    private final Set<LiveCallsWatcher> watchers = ConcurrentHashMap.newKeySet();
    private final Object wake = new Object();
    private volatile boolean closed;
    private Thread loop;

    /** One round of media figures for the given calls: call id to figures, for the nodes that answered in time. */
    @FunctionalInterface
    public interface StatsRound {
        Map<String, LiveMedia> poll(List<CallSummary> calls);
    }

    /**
     * @param liveCalls the calls not yet ended of a workspace, or of every workspace for null ({@code CallLog::live})
     */
    public LiveCallsHub(Function<String, List<CallSummary>> liveCalls, StatsRound stats, LiveFeedConfig config, Clock clock) {
        this(liveCalls, stats, config, clock, () -> { });
    }

    private LiveCallsHub(Function<String, List<CallSummary>> liveCalls, StatsRound stats, LiveFeedConfig config, Clock clock,
                         AutoCloseable resources) {
        this.liveCalls = liveCalls;
        this.stats = stats;
        this.config = config;
        this.clock = clock;
        this.resources = resources;
    }

    /** The hub asking the media nodes with {@code patchbay.cluster.token}; its channels close with it. */
    public static LiveCallsHub withNodes(Function<String, List<CallSummary>> liveCalls, String clusterToken,
                                         LiveFeedConfig config, Clock clock) {
        NodeStatsPoller poller = new NodeStatsPoller(clusterToken);
        return new LiveCallsHub(liveCalls, calls -> poller.poll(calls, config.statsDeadline(), config.baseDelayMs()),
                config, clock, poller);
    }

    /** Starts the producer thread; it sleeps while nobody watches. */
    public LiveCallsHub start() {
        loop = Thread.ofVirtual().name("live-calls-hub").start(this::run);
        return this;
    }

    /** A new watcher of one workspace, or of every workspace for null; its first snapshot comes at once. */
    public LiveCallsWatcher watch(String workspaceId) {
        LiveCallsWatcher w = new LiveCallsWatcher(workspaceId == null ? ALL : workspaceId, config.clientBuffer(),
                watchers::remove);
        watchers.add(w);
        synchronized (wake) {
            wake.notifyAll();
        }
        return w;
    }

    int watching() {
        return watchers.size();
    }

    private void run() {
        while (!closed) {
            try {
                if (!watchers.isEmpty()) {
                    tick();
                }
                synchronized (wake) {
                    if (!closed) {
                        // Woken early by a new watcher, so its first snapshot does not wait a whole interval.
                        wake.wait(watchers.isEmpty() ? 0 : config.interval().toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A database or node hiccup costs one snapshot, never the stream.
                LOG.log(Level.WARNING, "live-calls snapshot failed; trying again in " + config.interval() + ": " + e.getMessage(), e);
                pause();
            }
        }
    }

    /** One round: read, ask the nodes, offer each watcher its scope's snapshot; drops watchers that fell behind. */
    void tick() {
        Set<String> scopes = new HashSet<>();
        watchers.forEach(w -> scopes.add(w.scope()));
        List<CallSummary> calls = new ArrayList<>();
        if (scopes.contains(ALL)) {
            calls.addAll(liveCalls.apply(null));
        } else {
            scopes.forEach(ws -> calls.addAll(liveCalls.apply(ws)));
        }
        Map<String, LiveMedia> media = stats.poll(calls);
        String at = clock.instant().toString();
        Map<String, String> byScope = new HashMap<>();
        for (String scope : scopes) {
            ObjectNode body = ApiJson.object().put("at", at);
            ArrayNode items = body.putArray("items");
            for (CallSummary c : calls) {
                if (scope.equals(ALL) || scope.equals(c.workspaceId())) {
                    items.add(item(c, media.get(c.id())));
                }
            }
            byScope.put(scope, body.toString());
        }
        for (LiveCallsWatcher w : watchers) {
            if (!w.offer(byScope.get(w.scope()))) {
                LOG.info(() -> "live-calls stream: a client of scope " + w.scope() + " fell " + config.clientBuffer()
                        + " snapshots behind and was dropped (patchbay.admin.live.client-buffer)");
            }
        }
    }

    private static ObjectNode item(CallSummary c, LiveMedia m) {
        ObjectNode o = CallRoutes.json(c);
        if (m == null) {
            o.putNull("media");
        } else {
            o.putObject("media").put("codec", m.codec()).put("ptime_ms", m.ptimeMs() == 0 ? null : m.ptimeMs())
                    .put("jitter_ms", m.jitterMs()).put("loss_pct", m.lossPct()).put("mos", m.mos());
        }
        return o;
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(config.interval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the producer and ends every watcher's stream. */
    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (loop != null) {
            loop.interrupt();
        }
        watchers.forEach(LiveCallsWatcher::end);
        try {
            resources.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the live-calls channels", e);
        }
    }
}
