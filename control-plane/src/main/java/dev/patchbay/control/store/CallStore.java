package dev.patchbay.control.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.CallEvent;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.model.CallRecord.Direction;
import dev.patchbay.control.model.CallStatus;
import dev.patchbay.control.model.InviteHeaders;
import dev.patchbay.control.model.Route;
import dev.patchbay.control.quality.CallQuality;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Calls and their event log in the database. Every change of a call's state is written together
 * with its {@code call_events} row in one transaction, so the log never disagrees with the call.
 * The SQL lives in application.yaml as named statements.
 */
public final class CallStore {

    /** A call found by its idempotency key, with the hash of the request that created it. */
    public record Idempotent(CallRecord call, String requestHash) { }

    private final DbClient db;
    private final Clock clock;
    private final OutageRetry outage;

    public CallStore(DbClient db, Clock clock) {
        this(db, clock, OutageRetry.NONE);
    }

    /**
     * With {@code outage}, a live call's changes (its answer, end, events, stream) and the reads of it
     * its flow makes wait out a database outage; a new call's insert does not, since the media-plane
     * will not wait for its route that long.
     */
    public CallStore(DbClient db, Clock clock, OutageRetry outage) {
        this.db = db;
        this.clock = clock;
        this.outage = outage;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Stores a new call and its first event. */
    public void insert(CallRecord c, String idempotencyKey, String requestHash, String detail) {
        insert(c, idempotencyKey, requestHash, detail, tx -> { });
    }

    /** Stores a new inbound call with its INVITE's headers, and its first event. */
    public void insertInbound(CallRecord c, InviteHeaders headers, String detail) {
        Db.inTransaction(db, tx -> {
            insertRow(tx, c, headers, null, null, detail);
            return null;
        });
    }

    /** The same, with rows that belong to the call written in the same transaction (an agent's request). */
    public void insert(CallRecord c, String idempotencyKey, String requestHash, String detail,
                       Consumer<DbExecute> alongside) {
        Db.inTransaction(db, tx -> {
            insertRow(tx, c, null, idempotencyKey, requestHash, detail);
            alongside.accept(tx);
            return null;
        });
    }

    /**
     * Stores a new call only if {@code claim} succeeds in the same transaction, so a call and the
     * integration state it binds (an ASAPP transfer) are written together or not at all.
     */
    public boolean insertClaiming(CallRecord c, InviteHeaders headers, String detail, Route.Claim claim) {
        final class Lost extends RuntimeException {
            Lost() {
                super(null, null, false, false);
            }
        }
        try {
            return Db.inTransaction(db, tx -> {
                insertRow(tx, c, headers, null, null, detail);
                if (!claim.claim(tx, c.id(), c.createdAt())) {
                    throw new Lost(); // rolls the call row back
                }
                return true;
            });
        } catch (Lost e) {
            return false;
        }
    }

    /**
     * Writes {@code c} and its first event as {@link #insert} does, then rolls them back: the start-up
     * warm-up runs the set-up path's writes without leaving a row.
     */
    public void rehearseInsert(CallRecord c, InviteHeaders headers) {
        final class Rehearsed extends RuntimeException {
            Rehearsed() {
                super(null, null, false, false);
            }
        }
        try {
            Db.inTransaction(db, tx -> {
                insertRow(tx, c, headers, null, null, "warm-up");
                throw new Rehearsed();
            });
        } catch (Rehearsed expected) {
            // rolled back, as meant
        }
    }

    /** {@code headers}: the inbound INVITE's, null for a call that came from none (outbound, consult legs). */
    private void insertRow(DbExecute tx, CallRecord c, InviteHeaders headers, String idempotencyKey, String requestHash,
                           String detail) {
        CallRecord.Stream s = c.stream();
        tx.namedInsert("insert-call", c.id(), c.workspaceId(), c.botId(), wire(c.direction()), c.status().wire(),
                c.from(), c.to(), c.toRaw(), c.sipCallId(), c.mediaNode(), c.attachToken(), s.url(), s.dialect(),
                s.sampleRate() == 0 ? null : s.sampleRate(), s.customParametersJson(), millis(s), c.callbackUrl(),
                idempotencyKey, requestHash, c.reason(), c.sipStatus(), Db.utc(c.createdAt()),
                headers == null ? null : headers.json());
        event(tx, c.id(), c.status().wire(), detail);
    }

    /** Moves a live call to ringing or in-progress; false if it was already past that state. */
    public boolean advance(String id, CallStatus to, String detail) {
        Write w = new Write(clock.instant());
        return outage.run("call " + id + "'s " + to.wire(), () -> Db.inTransaction(db, tx -> {
            w.tried();
            long n = switch (to) {
                case RINGING -> tx.namedUpdate("call-ringing", id);
                case IN_PROGRESS -> tx.namedUpdate("call-answered", Db.utc(w.at()), id);
                default -> throw new IllegalArgumentException(to + " is not a live state; use end()");
            };
            return n > 0 ? event(tx, id, to.wire(), detail, w) : w.doneBefore(tx, id);
        }));
    }

    /** Ends a call once, its quality unknown; later calls for the same id change nothing and return false. */
    public boolean end(String id, CallStatus status, String cause, int sipStatus, String reason, String recordingUrl) {
        return end(id, status, cause, sipStatus, reason, recordingUrl, CallQuality.UNKNOWN);
    }

    /** Ends a call once with its media quality; later calls for the same id change nothing and return false. */
    public boolean end(String id, CallStatus status, String cause, int sipStatus, String reason, String recordingUrl,
                       CallQuality quality) {
        if (!status.terminal()) {
            throw new IllegalArgumentException(status + " is not a final state");
        }
        Write w = new Write(clock.instant());
        return outage.run("call " + id + "'s end", () -> Db.inTransaction(db, tx -> {
            w.tried();
            long n = tx.namedUpdate("call-ended", status.wire(), Db.utc(w.at()), cause,
                    sipStatus == 0 ? null : sipStatus, reason, recordingUrl, quality.packetsExpected(),
                    quality.packetsLost(), quality.jitterMs(), quality.packetLoss(), quality.mos(), id);
            return n > 0 ? event(tx, id, status.wire(), cause + (reason == null || reason.isEmpty() ? "" : ": " + reason), w)
                    : w.doneBefore(tx, id);
        }));
    }

    /** Appends an event that changes no state, e.g. a digit, a transfer or a bridge reconnect. */
    public void event(String id, String type, String detail) {
        Write w = new Write(clock.instant());
        outage.run("call " + id + "'s " + type + " event", () -> event(db.execute(), id, type, detail, w.tried()));
    }

    private void event(DbExecute exec, String id, String type, String detail) {
        event(exec, id, type, detail, new Write(clock.instant()));
    }

    /**
     * Always true: the event is there, written now or by an earlier try of the same write. A retry looks for its
     * own row first (the unique write_key would refuse a second one anyway); the first try inserts at once.
     */
    private static boolean event(DbExecute exec, String id, String type, String detail, Write w) {
        if (w.doneBefore(exec, id)) {
            return true;
        }
        String d = detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
        exec.namedInsert("insert-call-event", id, Db.utc(w.at()), type, d, w.key());
        return true;
    }

    /**
     * One logical write, kept the same across {@link OutageRetry}'s tries: its time is when it was asked for,
     * and its key marks its event row, so a try after a lost commit answer neither logs the event twice nor
     * mistakes its own change for someone else's (V28). Used by one thread, one try after another.
     */
    private static final class Write {
        private final Instant at;
        private final String key = UUID.randomUUID().toString();
        private int tries;

        Write(Instant at) {
            this.at = at;
        }

        Instant at() {
            return at;
        }

        String key() {
            return key;
        }

        /** Marks the start of a try; returns this. */
        Write tried() {
            tries++;
            return this;
        }

        /**
         * Whether an earlier try of this write already committed the change that now finds nothing to do. The
         * first try has no earlier one, so the common case (a late ringing, an end after another) costs no query.
         */
        boolean doneBefore(DbExecute tx, String id) {
            return tries > 1 && tx.namedGet("select-call-event-written", key, id).isPresent();
        }
    }

    /** Records where the call's audio goes, once a webhook has said so. */
    public void stream(String id, CallRecord.Stream stream) {
        outage.run("call " + id + "'s stream", () -> db.execute().namedUpdate("call-stream", stream.url(), stream.dialect(),
                stream.sampleRate() == 0 ? null : stream.sampleRate(), stream.customParametersJson(), millis(stream), id));
    }

    private static Integer millis(CallRecord.Stream s) {
        return s.connectTimeout() == null ? null : Math.toIntExact(s.connectTimeout().toMillis());
    }

    /** Stores Ameyo's DID and CRT id on the call, for the notification and for the record. */
    public void ameyo(String id, AmeyoTag tag) {
        db.execute().namedUpdate("call-ameyo-tag", tag.did(), tag.didRaw(), tag.crt(), id);
    }

    /** The call's Ameyo identifiers; empty for a call that did not come in over an Ameyo trunk. */
    public Optional<AmeyoTag> ameyo(String id) {
        return db.execute().namedGet("select-call-ameyo-tag", id)
                .map(Db::columns)
                .filter(c -> c.get("ameyo_crt") != null)
                .map(c -> new AmeyoTag((String) c.get("ameyo_did"), (String) c.get("ameyo_did_raw"),
                        (String) c.get("ameyo_crt")));
    }

    public Optional<CallRecord> find(String id) {
        return outage.run("reading call " + id, () -> db.execute().namedGet("select-call", id).map(CallStore::call));
    }

    /** A call as its workspace sees it: another workspace's call does not exist. */
    public Optional<CallRecord> find(String workspaceId, String id) {
        return find(id).filter(c -> workspaceId.equals(c.workspaceId()));
    }

    /** Where a page of {@link #list} starts: after the call created at {@code createdAt} with id {@code id}. */
    public record Cursor(Instant createdAt, String id) {
        /** Before every call (newest first). */
        public static final Cursor START = new Cursor(Filter.LATEST, "");
    }

    /** A workspace's calls with one of {@code statuses} (empty: any), created in [after, before), newest first. */
    public record Filter(String workspaceId, List<String> statuses, Instant after, Instant before, Cursor cursor, int limit) {
        /** Open ends: the widest instants both databases store. */
        public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
        public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");
    }

    /** One page of {@code filter}, newest first, and whether more follow. */
    public record Listed(List<CallRecord> calls, boolean more) { }

    public Listed list(Filter f) {
        String wanted = f.statuses().isEmpty() ? "" : "," + String.join(",", f.statuses()) + ",";
        List<CallRecord> rows = Db.list(db.execute().namedQuery("select-calls-page", f.workspaceId(), Db.utc(f.after()),
                Db.utc(f.before()), wanted, wanted, Db.utc(f.cursor().createdAt()), f.cursor().id(), f.limit() + 1), CallStore::call);
        boolean more = rows.size() > f.limit();
        return new Listed(more ? rows.subList(0, f.limit()) : rows, more);
    }

    public Optional<Idempotent> byIdempotencyKey(String workspaceId, String key) {
        return db.execute().namedGet("select-call-by-idempotency-key", workspaceId, key)
                .map(row -> new Idempotent(call(row), (String) Db.columns(row).get("request_hash")));
    }

    /** The INVITE's headers an inbound call was stored with; empty for another workspace's call or one without. */
    public Optional<InviteHeaders> inviteHeaders(String workspaceId, String id) {
        return db.execute().namedGet("select-call-sip-headers", workspaceId, id).map(Db::columns)
                .map(c -> (String) c.get("sip_headers")).map(InviteHeaders::fromJson);
    }

    /** The quality a call's end recorded; empty for another workspace's call, UNKNOWN for a call not measured. */
    public Optional<CallQuality> quality(String workspaceId, String id) {
        return db.execute().namedGet("select-call-quality", workspaceId, id).map(Db::columns).map(c -> new CallQuality(
                longOrNull(c.get("rtp_packets_expected")), longOrNull(c.get("rtp_packets_lost")),
                doubleOrNull(c.get("jitter_ms")), doubleOrNull(c.get("packet_loss")), doubleOrNull(c.get("mos"))));
    }

    private static Long longOrNull(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }

    private static Double doubleOrNull(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    public List<CallEvent> events(String id) {
        return Db.list(db.execute().namedQuery("select-call-events", id), row -> {
            Map<String, Object> c = Db.columns(row);
            return new CallEvent(Db.instant(c.get("at")), (String) c.get("type"), (String) c.get("detail"));
        });
    }

    /**
     * Takes or renews this replica's lease on a live call's bot bridge. False when another
     * replica holds an unexpired lease or the call is no longer live.
     */
    public boolean leaseBridge(String id, String owner, Instant until) {
        Instant now = clock.instant();
        return db.execute().namedUpdate("lease-bridge", owner, Db.utc(until), id, owner, Db.utc(now)) > 0;
    }

    /** Extends every lease this replica holds; returns how many calls it still owns. */
    public long renewLeases(String owner, Instant until) {
        return db.execute().namedUpdate("renew-bridge-leases", Db.utc(until), owner);
    }

    /**
     * Live calls on a media node whose bridge nobody holds: its replica died, or stopped. Calls
     * leased under {@code owner} are included, for a replica restarted under the same name; the
     * caller skips those it still bridges.
     */
    public List<CallRecord> orphanedBridges(String mediaNode, String owner) {
        return Db.list(db.execute().namedQuery("select-orphaned-bridges", mediaNode, Db.utc(clock.instant()), owner),
                CallStore::call);
    }

    /** Lets every lease of {@code owner} lapse now; returns how many calls it gave up. */
    public long releaseLeases(String owner) {
        return db.execute().namedUpdate("release-bridge-leases", Db.utc(clock.instant().minusMillis(1)), owner);
    }

    private static CallRecord call(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        Number rate = (Number) c.get("sample_rate");
        Number sip = (Number) c.get("sip_status");
        Number connect = (Number) c.get("connect_timeout_ms");
        return new CallRecord((String) c.get("id"), (String) c.get("workspace_id"), (String) c.get("bot_id"),
                "outbound".equals(c.get("direction")) ? Direction.OUTBOUND : Direction.INBOUND,
                CallStatus.fromWire((String) c.get("status")).orElseThrow(
                        () -> new IllegalStateException("calls.status '" + c.get("status") + "' is unknown")),
                (String) c.get("from_number"), (String) c.get("to_number"), (String) c.get("to_raw"),
                (String) c.get("media_node"), (String) c.get("attach_token"),
                new CallRecord.Stream((String) c.get("stream_url"), (String) c.get("dialect"),
                        rate == null ? 0 : rate.intValue(), (String) c.get("custom_parameters"),
                        connect == null ? null : Duration.ofMillis(connect.longValue())),
                (String) c.get("callback_url"), (String) c.get("hangup_cause"), sip == null ? null : sip.intValue(),
                (String) c.get("reason"), (String) c.get("recording_url"), Db.instant(c.get("created_at")),
                Db.instant(c.get("answered_at")), Db.instant(c.get("ended_at")), (String) c.get("sip_call_id"));
    }

    private static String wire(Direction d) {
        return d == Direction.OUTBOUND ? "outbound" : "inbound";
    }
}
