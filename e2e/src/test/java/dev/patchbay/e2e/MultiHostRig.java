package dev.patchbay.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.schema.Migrations;
import dev.patchbay.schema.testing.TestDb;

/**
 * The production topology of issue 16 in network namespaces, one router between them all:
 * <pre>
 *   caller 198.51.100.2 (SIPp) ─┐                 ┌─ media-a 10.N.1.2  = 203.0.113.11 (1:1 NAT)
 *   front  10.N.30.2 (Kamailio) ┤                 ├─ media-b 10.N.2.2  = 203.0.113.12
 *   cp1 10.N.11.2, cp2 10.N.12.2┼── router ───────┼─ media-c 10.N.3.2  = 203.0.113.13 (started later)
 *   admin  10.N.20.2            ┘   (nftables)    └─ root namespace 10.N.0.1: PostgreSQL relay, callback receiver
 * </pre>
 * The 1:1 NAT is a cloud's elastic IP: the public address is DNATed to the host for everyone; the
 * host's own traffic leaving the private 10.N/16 network is SNATed to it. The router has no
 * default route and the root namespace routes only 10.N/16 to it, so nothing leaves the namespaces.
 */
final class MultiHostRig implements AutoCloseable {

    static final String TOKEN = "multihost-cluster-token";
    static final String ADMIN_KEY = "pbadmin-multihost-operator-key-0123456789";
    static final String CALLER = "198.51.100.2";
    /** What the caller's SDP claims: a home network's address, unreachable from here, so only latching returns audio. */
    static final String CALLER_PRIVATE = "192.168.77.2";
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The control-planes' patchbay.control.media.lapse: a media node silent this long is dead. */
    static final Duration LAPSE = Duration.ofSeconds(3);

    final Netns netns = new Netns();
    final TestDb db = new TestDb();
    final Path dir;
    final int n;
    final String router;
    final CallbackReceiver callbacks;
    private final TcpRelay pg;
    private final Map<String, NsJava> processes = new LinkedHashMap<>();
    private final List<Process> callers = new ArrayList<>();
    private KamailioFront front;
    private int sippRuns;

    MultiHostRig() throws Exception {
        try {
            for (String tool : List.of("ip", "nft", "kamailio", "kamcmd", "sipp")) {
                if (Netns.exec("sh", "-c", "command -v " + tool).exit() != 0) {
                    throw new IllegalStateException(tool + " is not installed: the multi-host test needs iproute2, nftables,"
                            + " kamailio and sip-tester (./patchbay test installs them as root)");
                }
            }
            dir = Files.createTempDirectory("patchbay-multihost");
            n = freeSubnet();
            Migrations.migrate(db.settings());
            router = netns.create("router");
            netns.inside(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            netns.link(null, netns.rootIf(), net(0, 1) + "/30", router, "to-root", net(0, 2) + "/30");
            Netns.must("ip", "route", "add", "10." + n + ".0.0/16", "via", net(0, 2));
            leaf("caller", CALLER + "/24", "198.51.100.1/24");
            for (String role : List.of("media-a", "media-b", "media-c", "cp1", "cp2", "admin", "front")) {
                leaf(role, net(subnet(role), 2) + "/24", net(subnet(role), 1) + "/24");
            }
            netns.nft(router, natRules());
            netns.nft(ns("caller"), rtpCounters());
            pg = new TcpRelay(new InetSocketAddress(net(0, 1), 5432), pgTarget());
            callbacks = new CallbackReceiver(net(0, 1));
        } catch (Exception | Error e) {
            close(); // a half-built topology is removed too
            throw e;
        }
    }

    /** 10.N.sub.host */
    String net(int sub, int host) {
        return "10." + n + "." + sub + "." + host;
    }

    String ns(String role) {
        return netns.name(role);
    }

    static int subnet(String role) {
        return switch (role) {
            case "media-a" -> 1;
            case "media-b" -> 2;
            case "media-c" -> 3;
            case "cp1" -> 11;
            case "cp2" -> 12;
            case "admin" -> 20;
            case "front" -> 30;
            default -> throw new IllegalArgumentException(role);
        };
    }

    static String publicAddress(String media) {
        return "203.0.113." + (10 + subnet(media));
    }

    /** The gRPC address a media host advertises: calls.media_node of its calls. */
    static String node(String media) {
        return publicAddress(media) + ":9090";
    }

    private void leaf(String role, String cidr, String routerCidr) {
        String ns = netns.create(role);
        netns.link(ns, "eth0", cidr, router, "to-" + role, routerCidr);
        netns.inside(ns, "ip", "route", "add", "default", "via", routerCidr.replace("/24", ""));
    }

    private String natRules() {
        StringBuilder pre = new StringBuilder();
        StringBuilder post = new StringBuilder();
        for (String media : List.of("media-a", "media-b", "media-c")) {
            String priv = net(subnet(media), 2);
            pre.append("    ip daddr ").append(publicAddress(media)).append(" dnat to ").append(priv).append('\n');
            post.append("    ip saddr ").append(priv).append(" ip daddr != 10.").append(n).append(".0.0/16 snat to ")
                    .append(publicAddress(media)).append('\n');
        }
        return "table ip multihost_nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n" + pre
                + "  }\n  chain post {\n    type nat hook postrouting priority srcnat; policy accept;\n" + post + "  }\n}\n";
    }

    /** Counters of the RTP reaching the caller from each public address: all of it, and the voiced (non-silent PCMA) part. */
    private static String rtpCounters() {
        StringBuilder rules = new StringBuilder();
        for (String media : List.of("media-a", "media-b", "media-c")) {
            String from = "    ip saddr " + publicAddress(media) + " udp dport 20000-29999 ";
            rules.append(from).append("counter comment \"all-").append(media).append("\"\n");
            rules.append(from).append("@th,160,8 != 0xd5 @th,160,8 != 0x55 counter comment \"voiced-").append(media).append("\"\n");
        }
        return "table inet rtp {\n  chain input {\n    type filter hook input priority 0; policy accept;\n" + rules + "  }\n}\n";
    }

    /** Packets counted by the caller's rule {@code kind-media} (kind: all or voiced). */
    long rtpPackets(String kind, String media) {
        Matcher m = Pattern.compile("counter packets (\\d+) bytes \\d+ comment \"" + kind + "-" + media + "\"")
                .matcher(netns.inside(ns("caller"), "nft", "list", "table", "inet", "rtp"));
        if (!m.find()) {
            throw new IllegalStateException("no counter " + kind + "-" + media + " in the caller namespace");
        }
        return Long.parseLong(m.group(1));
    }

    /** A 10.N/16 that no route of this machine's root namespace touches (another run may hold one). */
    private static int freeSubnet() {
        String routes = Netns.must("ip", "-4", "route", "show", "table", "all");
        int start = (int) (ProcessHandle.current().pid() % 50);
        for (int i = 0; i < 50; i++) {
            int candidate = 200 + (start + i) % 50;
            if (!routes.contains("10." + candidate + ".")) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free 10.200-249.0.0/16 for the test network: " + routes);
    }

    private static InetSocketAddress pgTarget() {
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/").matcher(TestDb.BASE_URL);
        if (!m.find()) {
            throw new IllegalStateException("cannot tell PostgreSQL's host and port from " + TestDb.BASE_URL);
        }
        return new InetSocketAddress(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
    }

    /** The test schema's URL as seen from the namespaces: through the relay at 10.N.0.1:5432. */
    private String dbUrlForNamespaces() {
        return db.url().replaceFirst("jdbc:postgresql://[^/]+/", "jdbc:postgresql://" + net(0, 1) + ":5432/");
    }

    private Map<String, String> dbProps() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("patchbay.db.connection.url", dbUrlForNamespaces());
        p.put("patchbay.db.connection.username", TestDb.USER);
        p.put("patchbay.db.connection.password", TestDb.PASSWORD);
        p.put("patchbay.cluster.token", TOKEN);
        return p;
    }

    NsJava media(String media) throws IOException {
        String priv = net(subnet(media), 2);
        Map<String, String> p = dbProps();
        p.putAll(Map.of("patchbay.sip.host", priv, "patchbay.sip.port", "5060", "patchbay.sip.tls.port", "0",
                "patchbay.rtp.host", priv, "patchbay.rtp.advertise", publicAddress(media),
                "patchbay.rtp.port.min", "10000", "patchbay.rtp.port.max", "10999", "patchbay.rtp.loops", "1",
                "patchbay.media.observe.host", priv, "patchbay.var", dir.resolve(media).toString()));
        p.putAll(Map.of("patchbay.recording.dir", dir.resolve(media + "-rec").toString(), "patchbay.node.id", media,
                "patchbay.node.heartbeat", "PT0.5S", "patchbay.shutdown.drain", "PT60S"));
        return started(NsJava.start(netns, ns(media), media, "media-plane", "dev.patchbay.media.app.MediaPlaneMain", p, dir));
    }

    NsJava controlPlane(String replica) throws IOException {
        Map<String, String> p = dbProps();
        p.putAll(Map.of("patchbay.local", "false", "patchbay.var", dir.resolve(replica).toString(),
                "patchbay.secrets.key", Gateway.SECRETS_KEY, "patchbay.control.server.host", net(subnet(replica), 2),
                "patchbay.control.media.nodes", "", "patchbay.control.replica", replica,
                "patchbay.control.media.poll", "PT0.5S", "patchbay.control.media.lapse", LAPSE.toString(),
                "patchbay.control.media.lost-claim", "PT10S"));
        p.putAll(Map.of("patchbay.control.bridge.lease", "PT3S", "patchbay.control.outbox.poll-interval", "200ms",
                "patchbay.control.outbound.allow-private", "true"));
        return started(NsJava.start(netns, ns(replica), replica, "control-plane", "dev.patchbay.control.app.ControlPlaneMain", p, dir));
    }

    /** The admin-api; in local mode it seeds workspace ws_demo with the echo bot on DID "echo", which the calls dial. */
    NsJava admin() throws IOException {
        Map<String, String> p = dbProps();
        p.putAll(Map.of("patchbay.local", "true", "patchbay.demo.seed", "true", "patchbay.var", dir.resolve("admin").toString(),
                "patchbay.secrets.key", Gateway.SECRETS_KEY, "patchbay.admin.key", ADMIN_KEY,
                "patchbay.admin.server.host", net(subnet("admin"), 2), "patchbay.admin.server.port", "8081"));
        return started(NsJava.start(netns, ns("admin"), "admin", "admin-api", "dev.patchbay.admin.app.AdminApiMain", p, dir));
    }

    private NsJava started(NsJava process) {
        processes.put(process.name, process);
        return process;
    }

    /** The SIP front before {@code media}, listening at 10.N.30.2:5060. */
    KamailioFront front(List<String> media) throws IOException {
        front = new KamailioFront(netns, ns("front"), frontAddress(), dir, sipHosts(media));
        return front;
    }

    String frontAddress() {
        return net(subnet("front"), 2) + ":5060";
    }

    /** Name -> public SIP address of each media host, as the front's dispatcher list names them. */
    static Map<String, String> sipHosts(List<String> media) {
        Map<String, String> hosts = new LinkedHashMap<>();
        media.forEach(m -> hosts.put(m, publicAddress(m) + ":5060"));
        return hosts;
    }

    /** A SIPp run in the caller namespace: {@code calls} calls, each held {@code hold}, sent to {@code target}. */
    Sipp sipp(String target, int calls, Duration hold) throws IOException, java.net.URISyntaxException {
        int run = sippRuns++;
        Path work = sippWorkWithVoice();
        Path scenario = Path.of(MultiHostRig.class.getResource("/sipp/multihost-uac.xml").toURI());
        List<String> command = List.of(dev.patchbay.media.testutil.Sipp.binary(), "-sf", scenario.toString(), target,
                "-s", "echo", "-i", CALLER, "-p", Integer.toString(5070 + run), "-mi", CALLER,
                "-mp", Integer.toString(20000 + 1000 * run), "-m", Integer.toString(calls), "-r", "10", "-l", Integer.toString(calls),
                "-d", Long.toString(hold.toMillis()), "-key", "private_ip", CALLER_PRIVATE, "-nostdin", "-trace_err",
                "-error_file", work.resolve("errors.log").toString());
        Process p = netns.process(ns("caller"), command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("sipp.out").toFile()).start();
        callers.add(p);
        return new Sipp(p, work);
    }

    /** A SIPp work directory with voice.alaw: SIPp's own speech sample as raw A-law, which rtp_stream loops as long as a call lasts. */
    static Path sippWorkWithVoice() throws IOException {
        Path work = dev.patchbay.media.testutil.Sipp.workDir();
        try (java.io.OutputStream voice = Files.newOutputStream(work.resolve("voice.alaw"))) {
            for (var d : dev.patchbay.media.testutil.PcapReader.udpPayloads(work.resolve("pcap/g711a.pcap"))) {
                voice.write(d.payload(), 12, d.payload().length - 12);
            }
        }
        return work;
    }

    /** Polls {@code condition} every 200 ms, failing at once, with its log, if a process that should be running has exited. */
    static void awaitRunning(java.util.function.BooleanSupplier condition, Duration timeout, List<NsJava> running, String what)
            throws InterruptedException {
        dev.patchbay.media.testutil.Await.until(() -> {
            for (NsJava p : running) {
                if (!p.alive()) {
                    throw new AssertionError(p.name + " exited while waiting for " + what + ":\n" + p.tail());
                }
            }
            return condition.getAsBoolean();
        }, timeout, Duration.ofMillis(200), () -> what + "; logs in " + running.get(0).log.getParent());
    }

    /** A running SIPp; {@link #await} waits for its verdict. */
    record Sipp(Process process, Path work) {
        dev.patchbay.media.testutil.Sipp.Result await(Duration limit) throws IOException, InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("SIPp did not finish within " + limit + " (" + work + ")");
            }
            StringBuilder out = new StringBuilder();
            for (String f : List.of("sipp.out", "errors.log")) {
                Path p = work.resolve(f);
                if (Files.exists(p)) {
                    String text = Files.readString(p);
                    out.append("--- ").append(f).append(" ---\n").append(text.length() > 4000 ? text.substring(text.length() - 4000) : text);
                }
            }
            return new dev.patchbay.media.testutil.Sipp.Result(process.exitValue(), out.toString());
        }
    }

    /** HTTP status of a GET from the root namespace (into the test network), 0 if nothing answered. */
    static int status(String url) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    NsJava process(String name) {
        return processes.get(name);
    }

    /** The body of a GET from the root namespace, empty if nothing answered. */
    static String body(String url) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** A new webhook secret for {@code workspace}, from the admin-api as its operator: callbacks are signed with it. */
    String rotateWebhookSecret(String workspace) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + net(subnet("admin"), 2) + ":8081/v1/workspaces/"
                            + workspace + "/webhook-secret")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + ADMIN_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"webhook_secret\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
            if (r.statusCode() != 200 || !m.find()) {
                throw new AssertionError("the admin-api did not rotate " + workspace + "'s webhook secret: " + r.statusCode() + " " + r.body());
            }
            return m.group(1);
        }
    }

    /** A media host's readiness: active, with a control-plane connected (what the front's OPTIONS probe sees too). */
    boolean ready(String media) {
        return status("http://" + net(subnet(media), 2) + ":9091/health/ready") == 200;
    }

    boolean controlPlaneReady(String replica) {
        return status("http://" + net(subnet(replica), 2) + ":8080/health/ready") == 200;
    }

    boolean adminReady() {
        return status("http://" + net(subnet("admin"), 2) + ":8081/health/ready") == 200;
    }

    /** Rows of {@code query}, each as its columns in order, as strings. */
    List<List<String>> rows(String query) {
        return db.rows(query);
    }

    void sql(String statement) {
        try (Connection c = DriverManager.getConnection(db.url(), TestDb.USER, TestDb.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (NsJava p : processes.values()) {
            p.close();
        }
        if (front != null) {
            front.close();
        }
        for (Process p : callers) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        netns.close();
        if (callbacks != null) {
            callbacks.close();
        }
        if (pg != null) {
            pg.close();
        }
        db.close();
    }
}
