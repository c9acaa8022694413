package dev.patchbay.admin.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.audit.AuditRoutes;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.BearerAuth;
import dev.patchbay.admin.auth.OperatorKey;
import dev.patchbay.admin.call.CallLog;
import dev.patchbay.admin.call.CallRoutes;
import dev.patchbay.admin.config.AdminConfig;
import dev.patchbay.admin.config.LiveFeedConfig;
import dev.patchbay.admin.console.Console;
import dev.patchbay.admin.fleet.FleetRoutes;
import dev.patchbay.admin.fleet.MediaNodeClient;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.admin.integration.IntegrationRoutes;
import dev.patchbay.admin.live.LiveCallsHub;
import dev.patchbay.admin.live.LiveCallsStream;
import dev.patchbay.admin.registration.RegistrationRoutes;
import dev.patchbay.admin.secrets.SecretRotation;
import dev.patchbay.admin.store.DbTenantRepository;
import dev.patchbay.admin.subscription.WebhookRoutes;
import dev.patchbay.admin.tenant.AccessRoutes;
import dev.patchbay.admin.tenant.AccessService;
import dev.patchbay.admin.tenant.DemoSeed;
import dev.patchbay.admin.tenant.Secrets;
import dev.patchbay.admin.tenant.TenantRepository;
import dev.patchbay.admin.tenant.TenantRoutes;
import dev.patchbay.admin.tenant.TenantService;
import dev.patchbay.admin.tenant.TrunkRoutes;
import dev.patchbay.admin.tenant.TrunkService;
import dev.patchbay.admin.wallet.CreditRoutes;
import dev.patchbay.admin.wallet.WalletRoutes;
import dev.patchbay.metrics.ProcessMetrics;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.OpenApiDocument;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.rest.Problems;
import dev.patchbay.schema.DbSettings;
import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.SecretBox;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import dev.patchbay.metrics.ProcessMetrics;
import dev.patchbay.startup.Settings;
import dev.patchbay.startup.StartupException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

/**
 * The admin-api process, wired in one place: operator key, schema migration, demo seed and the
 * HTTP server. {@code main}, the tests and in-process e2e runs all start it through {@link #start}.
 */
public final class AdminApi implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AdminApi.class.getName());
    private static final long MAX_BODY = 64 * 1024;

    /** Where the OpenAPI document is also served, beside {@link OpenApiDocument#PATH}. */
    public static final String OPENAPI = "/openapi";

    private final WebServer server;
    private final DbClient db;
    private final List<ApiRoute> routes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ProcessMetrics metrics;
    private final LiveCallsHub live;

    private AdminApi(WebServer server, DbClient db, List<ApiRoute> routes, ProcessMetrics metrics, LiveCallsHub live) {
        this.metrics = metrics;
        this.live = live;
        this.server = server;
        this.db = db;
        this.routes = routes;
    }

    /**
     * Starts the admin-api and returns once it serves requests.
     *
     * @param root the whole configuration ({@code patchbay.*}); see {@link #config(Map)} for tests
     * @throws StartupException with a one-line message naming the setting to change
     */
    public static AdminApi start(Config root) throws StartupException {
        AdminConfig config = Settings.read(() -> AdminConfig.from(root));
        LiveFeedConfig liveFeed = Settings.read(() -> LiveFeedConfig.from(root));
        OperatorKey key = OperatorKey.resolve(config);
        // Checked before the slower database work, so a clash is reported at once and by name.
        requirePortFree(config);
        SecretBox box = secretBox(root);
        Config dbConfig = root.get("patchbay.db");
        migrate(dbConfig);
        DbClient db = DbClient.create(dbConfig);
        ProcessMetrics metrics = ProcessMetrics.create("admin-api");
        LiveCallsHub live = null;
        try {
            TenantRepository repo = new DbTenantRepository(db);
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            Ids ids = new Ids(random);
            Secrets secrets = new Secrets(random);
            if (config.local() && config.demoSeed()) {
                seed(repo, clock, ids, secrets, config);
            }
            Audit audit = new Audit(clock, ids);
            TenantService tenants = new TenantService(repo, clock, ids, audit);
            AccessService access = new AccessService(tenants, repo, clock, ids, secrets, audit,
                    config.keyOverlap());
            TrunkService trunks = new TrunkService(tenants, repo, clock, ids, box, audit);
            MediaNodeClient nodes = new MediaNodeClient(config.clusterToken());
            CallLog calls = new CallLog(db, clock);
            live = LiveCallsHub.withNodes(calls::live, config.clusterToken(), liveFeed, clock).start();
            List<ApiRoute> routes = routes(repo, OpenApiDocument.of(AdminApi.class),
                    new TenantRoutes(tenants).routes(),
                    new AccessRoutes(tenants, access).routes(),
                    new TrunkRoutes(tenants, trunks).routes(),
                    new RegistrationRoutes(trunks, db, box, clock, audit).routes(),
                    new IntegrationRoutes(tenants, db, box, clock, audit).routes(),
                    new WebhookRoutes(tenants, db, box, secrets, ids, clock, audit).routes(),
                    new CreditRoutes(tenants, db, ids, clock, audit).routes(),
                    new WalletRoutes(db, tenants::workspace).routes(),
                    new AuditRoutes(new AuditLog(db), tenants::workspace).routes(),
                    new SecretRotation(db, box, audit).routes(),
                    new CallRoutes(calls, tenants::workspace, nodes, audit).routes(),
                    new LiveCallsStream(live, tenants::workspace).routes(),
                    new FleetRoutes(db, nodes, audit).routes(),
                    Console.routes());
            WebServer server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .maxPayloadSize(MAX_BODY)
                    .directHandlers(Problems.beforeRouting(MAX_BODY, "admin-api"))
                    // Our own hook (AdminApiMain) stops the server before the database it uses.
                    .shutdownHook(false)
                    .routing(r -> {
                        metrics.routing(r); // outside /v1, so open like /health: scraped without the operator key
                        routing(r, new BearerAuth(key, access::authenticate), routes);
                    })
                    .build()
                    .start();
            if (!server.isRunning()) {
                // Lost a race for the port after the check above; Helidon has logged the bind error.
                throw portInUse(config);
            }
            LOG.info(() -> "admin-api ready on http://" + config.host() + ":" + server.port()
                    + " (console: http://" + config.host() + ":" + server.port() + Console.PATH + "/)");
            return new AdminApi(server, db, routes, metrics, live);
        } catch (RuntimeException e) {
            if (live != null) {
                live.close();
            }
            metrics.close();
            db.close();
            throw e;
        }
    }

    /** The route table: the open routes, then every module's, in registration order. */
    @SafeVarargs
    static List<ApiRoute> routes(TenantRepository repo, OpenApiDocument openApi, List<ApiRoute>... modules) {
        List<ApiRoute> all = new ArrayList<>();
        all.add(ApiRoute.get("/health", Access.OPEN, (req, res) -> {
            boolean up = repo.ping();
            ApiJson.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                    ApiJson.object().put("status", up ? "UP" : "DOWN"));
        }));
        // Probes: live = the process answers; ready = it can serve, which for this API means its database answers.
        all.add(ApiRoute.get("/health/live", Access.OPEN, (req, res) -> ApiJson.send(res, Status.OK_200,
                ApiJson.object().put("status", "UP"))));
        all.add(ApiRoute.get("/health/ready", Access.OPEN, (req, res) -> {
            // Bounded: a pool that waits 30 s for a connection must not outlast the probe's own timeout.
            CompletableFuture<Boolean> ping = new CompletableFuture<>();
            Thread.ofVirtual().name("ready-check").start(() -> ping.complete(repo.ping()));
            boolean up;
            try {
                up = ping.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                up = false;
            }
            ApiJson.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, up
                    ? ApiJson.object().put("status", "UP")
                    : ApiJson.object().put("status", "DOWN").put("reason", "the database does not answer"));
        }));
        all.add(ApiRoute.get(OpenApiDocument.PATH, Access.OPEN, openApi));
        all.add(ApiRoute.get(OPENAPI, Access.OPEN, openApi));
        for (List<ApiRoute> module : modules) {
            all.addAll(module);
        }
        return List.copyOf(all);
    }

    /**
     * All HTTP routes, registered from the route table: each behind its {@link Access} check, and
     * everything under {@code /v1} behind {@code auth}.
     */
    public static void routing(HttpRouting.Builder routing, BearerAuth auth, List<ApiRoute> routes) {
        Problems.install(routing, "admin-api", LOG);
        routing.addFilter(auth);
        for (ApiRoute route : routes) {
            routing.route(route.method(), route.path(), route.guarded());
        }
        Console.routing(routing);
        routing.any((req, res) -> {
            throw ProblemException.of(404, "there is no route for " + req.prologue().method().text() + " "
                    + req.path().absolute().path());
        });
    }

    /** The route table this instance serves: what the isolation and OpenAPI tests iterate over. */
    public List<ApiRoute> routes() {
        return routes;
    }


    /**
     * This module's application.yaml with {@code overrides} on top, and nothing from environment
     * variables or system properties: for tests and in-process runs that must not pick up the
     * caller's environment.
     */
    public static Config config(Map<String, String> overrides) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), defaults())
                .build();
    }

    /**
     * This module's application.yaml overridden by the {@code PATCHBAY_CONFIG} file if set, then environment
     * variables, then system properties: the same order as the other processes.
     */
    public static Config config() {
        return Settings.load(defaults());
    }

    public int port() {
        return server.port();
    }

    /** Stops the HTTP server, then closes the database it used. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // First, so open streams end and the server's stop does not wait on them.
            live.close();
            server.stop();
            db.close();
            metrics.close();
            LOG.info("admin-api stopped");
        }
    }

    /**
     * Reads application.yaml from this module's own classes directory or jar: when several
     * Patchbay modules share one class path (in-process e2e), the name alone is ambiguous.
     */
    private static ConfigSource defaults() {
        byte[] yaml = OpenApiDocument.moduleResource(AdminApi.class, "application.yaml");
        return ConfigSources.create(new String(yaml, StandardCharsets.UTF_8), MediaTypes.APPLICATION_YAML);
    }

    /** The key that seals trunk passwords; outside local mode it must be configured, like the control-plane's. */
    private static SecretBox secretBox(Config root) throws StartupException {
        try {
            return SecretBox.from(root);
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            throw new StartupException("admin-api cannot set up credential encryption: " + e.getMessage(), e);
        }
    }

    private static void migrate(Config dbConfig) throws StartupException {
        DbSettings settings;
        try {
            settings = DbSettings.from(dbConfig);
        } catch (IllegalStateException e) {
            throw new StartupException(e.getMessage());
        }
        try {
            Migrations.migrate(settings);
        } catch (RuntimeException e) {
            throw new StartupException("admin-api cannot migrate the database at " + redact(settings.url()) + ": "
                    + rootMessage(e) + "; check patchbay.db.connection.url (env PATCHBAY_DB_CONNECTION_URL)", e);
        }
    }

    private static void seed(TenantRepository repo, Clock clock, Ids ids, Secrets secrets, AdminConfig config)
            throws StartupException {
        try {
            DemoSeed.ensure(repo, clock);
            DemoSeed.ensureApiKey(repo, clock, ids, secrets, config.var().resolve(DemoSeed.API_KEY_FILE));
        } catch (UncheckedIOException e) {
            throw new StartupException("admin-api cannot write the demo API key: " + rootMessage(e)
                    + "; set patchbay.var (env PATCHBAY_VAR) to a writable directory", e);
        } catch (RuntimeException e) {
            throw new StartupException("admin-api cannot seed the demo workspace: " + rootMessage(e)
                    + "; set patchbay.demo.seed (env PATCHBAY_DEMO_SEED) to false to start without it", e);
        }
    }

    private static void requirePortFree(AdminConfig config) throws StartupException {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            // The same SO_REUSEADDR as Helidon's listener, so a port in TIME_WAIT is not mistaken for a busy one.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.host(), config.port()));
        } catch (BindException e) {
            throw portInUse(config);
        } catch (IOException e) {
            throw new StartupException("admin-api cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + "; set patchbay.admin.server.host (env PATCHBAY_ADMIN_SERVER_HOST)"
                    + " to an address of this machine", e);
        }
    }

    private static StartupException portInUse(AdminConfig config) {
        return new StartupException("admin-api cannot listen on " + config.host() + ":" + config.port()
                + ": port in use; set patchbay.admin.server.port (env PATCHBAY_ADMIN_SERVER_PORT) to a free port");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    // JDBC URLs may carry credentials as parameters; they must not reach a log line.
    private static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***");
    }
}
