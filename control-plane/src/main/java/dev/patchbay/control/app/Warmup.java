package dev.patchbay.control.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.model.InviteHeaders;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.routing.Router;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.proto.media.v1.SocketAddress;
import dev.patchbay.proto.media.v1.Transport;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * What the control-plane does before it logs ready (issue 17: right after a start, 235 of 2,000 calls
 * at 200/s were refused with "no route decision within 10000 ms"). The first INVITEs must find:
 * <ol>
 *   <li>the Control stream to every configured media node up (else the node refuses them itself);</li>
 *   <li>the database pool full: HikariCP opens its connections one by one in the background, and a
 *       burst of INVITEs on one connection waits for the others to be made;</li>
 *   <li>the set-up path run: every DID routed (and its trunks read) and a call row written and rolled
 *       back, some hundred times, so the JIT has compiled it and the database has the rows and
 *       statements at hand. Nothing is left behind: no call row, no event.</li>
 * </ol>
 */
final class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());

    /** What a warm-up did, for the ready line and for tests. */
    record Report(int nodesUp, int nodes, int connections, int rounds, int numbers, long millis) {
        @Override
        public String toString() {
            return "warm-up: " + nodesUp + "/" + nodes + " media nodes connected, " + connections + " database connections"
                    + " opened, set-up path rehearsed " + rounds + " times over " + numbers + " DIDs, in " + millis + " ms";
        }
    }

    private final DbClient db;
    private final Router router;
    private final CallStore store;
    private final MediaNodes nodes;
    private volatile boolean running;

    Warmup(DbClient db, Router router, CallStore store, MediaNodes nodes) {
        this.db = db;
        this.router = router;
        this.store = store;
        this.nodes = nodes;
    }

    /** True while a warm-up runs: /health/ready says so with a 503, as the "ready" log line waits for it too. */
    boolean running() {
        return running;
    }

    Report run(WarmupConfig config) throws InterruptedException {
        running = true;
        try {
            return warmUp(config);
        } finally {
            running = false;
        }
    }

    private Report warmUp(WarmupConfig config) throws InterruptedException {
        long start = System.nanoTime();
        int opened = fillPool(config.connections());
        List<String> numbers = Db.list(db.execute().namedQuery("select-warmup-dids", 1000), Warmup::number);
        int rounds = rehearse(numbers.isEmpty() ? List.of("warmup-no-such-did") : numbers, config.rounds(),
                start + config.budget().toNanos());
        int up = awaitMedia(config.mediaWait());
        Report report = new Report(up, nodes.all().size(), opened, rounds, numbers.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        LOG.info(report::toString);
        return report;
    }

    private static String number(DbRow row) {
        return (String) Db.columns(row).get("number");
    }

    /**
     * Holds {@code n} connections at once, so the pool makes them now rather than while calls wait;
     * a pool smaller than {@code n} gives what it has (the rest time out of the latch, not the pool).
     */
    private int fillPool(int n) throws InterruptedException {
        CountDownLatch all = new CountDownLatch(n);
        List<Future<Boolean>> held = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                held.add(threads.submit(() -> Db.inTransaction(db, tx -> {
                    tx.namedQuery("select-warmup-dids", 1).close();
                    all.countDown();
                    try {
                        return all.await(2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                })));
            }
        }
        int opened = 0;
        for (Future<Boolean> f : held) {
            opened += f.state() == Future.State.SUCCESS ? 1 : 0;
        }
        return opened;
    }

    /**
     * Routes each number and writes its call row in a transaction rolled back, round after round. A
     * failure ends the rehearsal, not the process: calls are then routed all the same, the first ones slower.
     */
    private int rehearse(List<String> numbers, int rounds, long deadline) {
        int done = 0;
        try {
            while (done < rounds && System.nanoTime() < deadline) {
                rehearse(numbers.get(done % numbers.size()));
                done++;
            }
        } catch (RuntimeException e) {
            int after = done;
            LOG.log(Level.WARNING, e, () -> "warm-up: rehearsing the set-up path failed after " + after + " rounds; the"
                    + " first calls will find it cold");
        }
        return done;
    }

    private void rehearse(String number) {
        CallOffered offer = CallOffered.newBuilder().setRequestUser(number).setToUser(number)
                .setRequestUri("sip:" + number + "@127.0.0.1").setFromUri("sip:warmup@127.0.0.1")
                .setTransport(Transport.UDP).setSource(SocketAddress.newBuilder().setIp("127.0.0.1").setPort(5060))
                .addHeaders(SipHeader.newBuilder().setName("User-Agent").setValue("Patchbay warm-up")).build();
        Route route = router.route(offer);
        String workspace = switch (route) {
            case Route.ToBot b -> b.workspaceId();
            case Route.Claimed c -> c.bot().workspaceId();
            case Route.Reject r -> r.workspaceId();
        };
        String bot = route instanceof Route.ToBot b ? b.botId() : null;
        // Within calls.id's 40 characters, and never a media-plane id (those start with CA).
        store.rehearseInsert(new CallRecord("warmup" + UUID.randomUUID().toString().replace("-", ""), workspace, bot,
                CallRecord.Direction.INBOUND, bot == null ? CallStatus.REJECTED : CallStatus.RINGING, "warmup", number, number,
                "warmup", null, CallRecord.Stream.NONE, null, null, null, null, null, store.now(), null, null),
                InviteHeaders.of(offer.getHeadersList()));
    }

    /** Waits, up to {@code limit}, for every configured media node's Control stream; returns how many are up. */
    private int awaitMedia(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<MediaNodeLink> down = nodes.all().stream().filter(l -> !l.connected()).toList();
            if (down.isEmpty()) {
                return nodes.all().size();
            }
            if (System.nanoTime() >= deadline) {
                LOG.warning(() -> "media nodes " + down.stream().map(MediaNodeLink::node).toList() + " are not connected after "
                        + limit.toSeconds() + " s of warm-up; coming up without them (their INVITEs get 503 until they connect;"
                        + " check patchbay.control.media.nodes and that the media-plane runs)");
                return nodes.all().size() - down.size();
            }
            Thread.sleep(20);
        }
    }
}
