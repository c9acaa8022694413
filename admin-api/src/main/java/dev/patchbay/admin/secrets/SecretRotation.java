package dev.patchbay.admin.secrets;

import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.ApiRoute;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import dev.patchbay.schema.Db;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/secrets/rotate}: re-encrypts every stored credential under the current
 * {@code patchbay.secrets.key}, after which the previous keys can be dropped from config. One
 * transaction: if any value opens with none of the configured keys, nothing is changed and the
 * answer says which row, so no secret is ever left under a key about to be thrown away.
 */
public final class SecretRotation {

    /** Every sealed column, by the suffix of its named statements {@code select-sealed-*} / {@code reseal-*}. */
    static final List<String> COLUMNS = List.of("trunks", "trunk-registrations", "ameyo-integrations", "call-transfers", "webhook-subscriptions");

    private static final Logger LOG = Logger.getLogger(SecretRotation.class.getName());

    private final DbClient db;
    private final SecretBox box;
    private final Audit audit;

    public SecretRotation(DbClient db, SecretBox box, Audit audit) {
        this.db = db;
        this.box = box;
        this.audit = audit;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.post("/v1/secrets/rotate", Access.OPERATOR, this::rotate));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        int moved = Db.inTransaction(db, tx -> {
            int n = 0;
            for (String column : COLUMNS) {
                n += reseal(tx, column);
            }
            var after = ApiJson.object().put("key_id", box.currentKeyId()).put("re_encrypted", n);
            AuditLog.record(tx, audit.entry(Principal.of(req), null, "secret_key", box.currentKeyId(), Audit.ROTATE,
                    null, after));
            return n;
        });
        LOG.info(() -> "re-encrypted " + moved + " stored secrets under key " + box.currentKeyId());
        ApiJson.send(res, Status.OK_200, ApiJson.object().put("key_id", box.currentKeyId()).put("re_encrypted", moved));
    }

    private int reseal(DbExecute tx, String column) {
        int n = 0;
        List<Map<String, Object>> rows = Db.list(tx.namedQuery("select-sealed-" + column), Db::columns);
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("id");
            String sealed = (String) row.get("sealed");
            if (sealed == null || box.isCurrent(sealed)) {
                continue;
            }
            String plain;
            try {
                plain = box.open(sealed);
            } catch (IllegalArgumentException e) {
                throw ProblemException.of(409, "a secret of " + column + " " + id + " opens with none of the configured"
                        + " keys, so nothing was re-encrypted: " + e.getMessage(),
                        new FieldError("patchbay.secrets.previous", "must hold the key that sealed " + column + " " + id));
            }
            // Compare-and-set: a value changed meanwhile by a PUT is already under the current key.
            n += (int) tx.namedUpdate("reseal-" + column, box.seal(plain), id, sealed);
        }
        return n;
    }
}
