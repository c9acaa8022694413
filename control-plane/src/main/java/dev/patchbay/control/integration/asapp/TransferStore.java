package dev.patchbay.control.integration.asapp;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchbay.control.model.Route;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * Call transfers in the database, with the named statements {@code asapp-*} of application.yaml.
 * Every state change is one conditional UPDATE, so two INVITEs, a return and a hang-up racing on one
 * transfer leave it in exactly one state.
 */
public final class TransferStore {

    /** An insert that collided with an existing id. */
    public static final class DuplicateId extends RuntimeException {
        DuplicateId(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    private final DbClient db;
    private final Clock clock;

    public TransferStore(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** @throws DuplicateId when the workspace has a transfer of that id already (other workspaces' ids do not count) */
    public void insert(CallTransfer t) {
        try {
            db.execute().namedInsert("asapp-insert-transfer", t.id(), t.workspaceId(), t.externalConversationId(),
                    t.type(), t.returnUri(), t.returnType().name(), t.authUsername(), t.authPasswordEnc(),
                    t.inputContextJson(), t.status().name(), Db.utc(t.createdAt()), Db.utc(t.expiresAt()));
        } catch (DbClientException e) {
            if (Db.uniqueViolation(e)) {
                throw new DuplicateId(e);
            }
            throw e;
        }
    }

    /** The workspace's transfer with its status as of now; an ACTIVE one past its TTL is marked EXPIRED here. */
    public Optional<CallTransfer> find(String workspaceId, String id) {
        return db.execute().namedGet("asapp-select-transfer", workspaceId, id).map(TransferStore::transfer).map(this::expired);
    }

    /**
     * Every workspace's transfer of this id, for an INVITE, which carries the id alone. Callers must not
     * tell the SIP peer what other workspaces hold.
     */
    public List<CallTransfer> withId(String id) {
        return db.execute().namedQuery("asapp-select-transfers-by-id", id).map(TransferStore::transfer).map(this::expired).toList();
    }

    private CallTransfer expired(CallTransfer t) {
        Instant now = clock.instant();
        if (t.statusAt(now) == CallTransfer.Status.EXPIRED && t.status() == CallTransfer.Status.ACTIVE) {
            db.execute().namedUpdate("asapp-expire-one", t.workspaceId(), t.id(), Db.utc(now));
        }
        return t;
    }

    public Optional<CallTransfer> byCall(String callId) {
        return db.execute().namedGet("asapp-select-by-call", callId).map(TransferStore::transfer);
    }

    /** A claim for {@link Route.Claimed}: ACTIVE and unexpired becomes ONGOING, bound to the call. */
    public Route.Claim claim(String workspaceId, String id) {
        return (DbExecute tx, String callId, Instant now) ->
                tx.namedUpdate("asapp-claim", callId, Db.utc(now), workspaceId, id, Db.utc(now)) == 1;
    }

    /** The bot handed the call back: stores its output context; false when the transfer is not ONGOING. */
    public boolean complete(String callId, String outputContextJson) {
        return db.execute().namedUpdate("asapp-complete", outputContextJson, Db.utc(clock.instant()), callId) == 1;
    }

    /** The call ended before the bot handed it back: COMPLETED without an output context. */
    public boolean endedWithoutReturn(String callId) {
        return db.execute().namedUpdate("asapp-ended", Db.utc(clock.instant()), callId) == 1;
    }

    /** Marks every ACTIVE transfer past its TTL as EXPIRED; returns how many. */
    public long expireDue() {
        return db.execute().namedUpdate("asapp-expire-due", Db.utc(clock.instant()));
    }

    /** The output context of the latest earlier leg of a conversation, for a reconnect. */
    public Optional<String> previousContext(String workspaceId, String externalConversationId, String exceptId) {
        return db.execute().namedGet("asapp-previous-context", workspaceId, externalConversationId, exceptId)
                .map(row -> (String) Db.columns(row).get("output_context"));
    }

    private static CallTransfer transfer(DbRow row) {
        Map<String, Object> c = Db.columns(row);
        return new CallTransfer((String) c.get("id"), (String) c.get("workspace_id"),
                (String) c.get("external_conversation_id"), (String) c.get("type"), (String) c.get("return_uri"),
                CallTransfer.ReturnType.parse((String) c.get("return_transfer_type")).orElseThrow(() ->
                        new IllegalStateException("call_transfers.return_transfer_type '" + c.get("return_transfer_type")
                                + "' is unknown")),
                (String) c.get("return_auth_username"), (String) c.get("return_auth_password_enc"),
                (String) c.get("input_context"), (String) c.get("output_context"),
                CallTransfer.Status.valueOf((String) c.get("status")), (String) c.get("call_id"),
                Db.instant(c.get("created_at")), Db.instant(c.get("expires_at")),
                Db.instant(c.get("call_received_at")), Db.instant(c.get("completed_at")));
    }
}
