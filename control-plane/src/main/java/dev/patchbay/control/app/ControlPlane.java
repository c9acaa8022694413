package dev.patchbay.control.app;

import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import dev.patchbay.control.bot.BotAttachers;
import dev.patchbay.control.call.BridgeLeases;
import dev.patchbay.control.call.CallFlow;
import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.routing.Router;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

/**
 * The control-plane process, wired in one place: database, router, one Control stream per
 * media-plane node, and the HTTP server. Tests start it exactly like {@code main} does.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());

    private final DbClient db;
    private final List<MediaNodeLink> links;
    private final ExecutorService routing;
    private final ScheduledExecutorService timers;
    private final WebServer http;

    private ControlPlane(DbClient db, List<MediaNodeLink> links, ExecutorService routing,
                         ScheduledExecutorService timers, WebServer http) {
        this.db = db;
        this.links = links;
        this.routing = routing;
        this.timers = timers;
        this.http = http;
    }

    /**
     * Starts the control-plane.
     *
     * @param root the whole configuration; {@code patchbay.db} names the database
     */
    public static ControlPlane start(Config root) {
        ControlConfig config = ControlConfig.from(root);
        requireFreePort(config);
        Config dbConfig = root.get("patchbay.db");
        Migrations.migrate(DbSettings.from(dbConfig));
        DbClient db = DbClient.create(dbConfig);
        Router router = new Router(db);
        ExecutorService routing = Executors.newVirtualThreadPerTaskExecutor();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("control-timers").daemon(true).factory());
        CallStore store = new CallStore(db, Clock.systemUTC());
        BridgeLeases leases = new BridgeLeases(store, config.replica(), config.bridgeLease());
        CallFlow flow = new CallFlow(store, router, new BotAttachers(Unavailable.WSS), Unavailable.WEBHOOK,
                Unavailable.CALLBACKS, leases, routing);
        List<MediaNodeLink> links = new ArrayList<>();
        for (String node : config.mediaNodes()) {
            MediaNodeLink link = new MediaNodeLink(node, config.replica(), config.clusterToken(), flow, timers);
            links.add(link);
            link.connect();
        }
        long renewMillis = config.bridgeLease().toMillis() / 3;
        timers.scheduleWithFixedDelay(() -> routing.execute(() -> {
            leases.renew();
            links.stream().filter(MediaNodeLink::connected).forEach(flow::adoptOrphans);
        }), renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        WebServer http = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .routing(r -> routing(r, links))
                .build()
                .start();
        return new ControlPlane(db, links, routing, timers, http);
    }

    /** Fails before anything starts, naming the setting, rather than with a bind stack trace later. */
    private static void requireFreePort(ControlConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(config.host(), config.port()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("control-plane cannot listen on " + config.host() + ":" + config.port()
                    + " (" + e.getMessage() + "); set patchbay.control.server.port (env PATCHBAY_CONTROL_SERVER_PORT) "
                    + "to a free port", e);
        }
    }

    /** HTTP routes. The provider APIs of seed 001 will join /health here. */
    static void routing(HttpRouting.Builder routing, List<MediaNodeLink> links) {
        routing.get("/health", (req, res) -> {
            StringBuilder nodes = new StringBuilder();
            for (MediaNodeLink link : links) {
                nodes.append(nodes.isEmpty() ? "" : ",").append("{\"node\":\"").append(link.node())
                        .append("\",\"connected\":").append(link.connected()).append('}');
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"status\":\"UP\",\"media_nodes\":[" + nodes + "]}");
        });
    }

    public int port() {
        return http.port();
    }

    public List<MediaNodeLink> links() {
        return links;
    }

    @Override
    public void close() {
        links.forEach(MediaNodeLink::close);
        http.stop();
        routing.shutdown();
        timers.shutdownNow();
        db.close();
        LOG.info("control-plane stopped");
    }
}
