package dev.patchbay.admin.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.patchbay.admin.audit.AuditEntry;
import dev.patchbay.admin.audit.AuditLog;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.tenant.ApiKey;
import dev.patchbay.admin.tenant.Bot;
import dev.patchbay.admin.tenant.BotSettingsJson;
import dev.patchbay.admin.tenant.Did;
import dev.patchbay.admin.tenant.EarlyMediaChoice;
import dev.patchbay.admin.tenant.KeyScope;
import dev.patchbay.admin.tenant.TenantRepository;
import dev.patchbay.admin.tenant.Trunk;
import dev.patchbay.admin.tenant.TrunkCodecs;
import dev.patchbay.admin.tenant.TrunkSide;
import dev.patchbay.admin.tenant.Workspace;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;

/**
 * Tenants in the shared PostgreSQL/H2 schema, through helidon-dbclient. The SQL is the named
 * statements under {@code patchbay.db.statements} in application.yaml.
 */
public final class DbTenantRepository implements TenantRepository {

    // SQLSTATE codes both PostgreSQL and H2 use; H2 reports a missing parent as 23506.
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FK_VIOLATION = "23503";
    private static final String FK_PARENT_MISSING = "23506";

    private final DbClient db;
    private final Supplier<DbExecute> exec;

    public DbTenantRepository(DbClient db) {
        this(db, db::execute);
    }

    private DbTenantRepository(DbClient db, Supplier<DbExecute> exec) {
        this.db = db;
        this.exec = exec;
    }

    @Override
    public <T> T inTransaction(Function<TenantRepository, T> work) {
        return Db.inTransaction(db, tx -> work.apply(new DbTenantRepository(db, () -> tx)));
    }

    @Override
    public boolean ping() {
        try {
            return exec.get().namedGet("ping").isPresent();
        } catch (DbClientException e) {
            return false;
        }
    }

    @Override
    public void insertAudit(AuditEntry entry) {
        AuditLog.record(exec.get(), entry);
    }

    @Override
    public void insertWorkspace(Workspace w) {
        exec.get().namedInsert("insert-workspace", w.id(), w.name(), w.enabled(), Db.utc(w.createdAt()));
    }

    @Override
    public List<Workspace> workspaces(PageRequest page) {
        return Db.list(exec.get().namedQuery("select-workspaces", after(page)), Rows::workspace);
    }

    @Override
    public Optional<Workspace> workspace(String id) {
        return exec.get().namedGet("select-workspace", id).map(Rows::workspace);
    }

    @Override
    public Optional<Workspace> workspaceForUpdate(String id) {
        return exec.get().namedGet("select-workspace-for-update", id).map(Rows::workspace);
    }

    @Override
    public void updateWorkspace(Workspace w) {
        exec.get().namedUpdate("update-workspace", w.name(), w.enabled(), w.id());
    }

    @Override
    public void insertBot(Bot b) {
        exec.get().namedInsert("insert-bot", b.id(), b.workspaceId(), b.name(), b.kind().wire(), b.url(), b.dialect(),
                b.sampleRate(), BotSettingsJson.write(b.customParameters()), b.timeouts().connectMs(),
                b.timeouts().answerMs(), b.earlyMedia().mode(), b.earlyMedia().clip(), Db.utc(b.createdAt()));
    }

    @Override
    public Optional<Bot> botForUpdate(String workspaceId, String botId) {
        return exec.get().namedGet("select-bot-for-update", workspaceId, botId).map(Rows::bot);
    }

    @Override
    public void updateBot(Bot b) {
        exec.get().namedUpdate("update-bot", b.name(), b.url(), b.dialect(), b.sampleRate(),
                BotSettingsJson.write(b.customParameters()), b.timeouts().connectMs(), b.timeouts().answerMs(),
                b.earlyMedia().mode(), b.earlyMedia().clip(), b.workspaceId(), b.id());
    }

    @Override
    public List<Bot> bots(String workspaceId, PageRequest page) {
        return Db.list(exec.get().namedQuery("select-bots", after(workspaceId, page)), Rows::bot);
    }

    @Override
    public Optional<Bot> bot(String workspaceId, String botId) {
        return exec.get().namedGet("select-bot", workspaceId, botId).map(Rows::bot);
    }

    @Override
    public BotDelete deleteBot(String workspaceId, String botId) {
        try {
            long deleted = exec.get().namedDelete("delete-bot", workspaceId, botId);
            return deleted == 0 ? BotDelete.NOT_FOUND : BotDelete.DELETED;
        } catch (DbClientException e) {
            if (FK_VIOLATION.equals(Db.sqlState(e))) {
                return BotDelete.IN_USE;
            }
            throw e;
        }
    }

    @Override
    public DidInsert insertDid(Did d) {
        try {
            exec.get().namedInsert("insert-did", d.id(), d.workspaceId(), d.number(), d.botId(),
                    d.earlyMedia() == null ? null : d.earlyMedia().mode(), d.earlyMedia() == null ? null : d.earlyMedia().clip(),
                    Db.utc(d.createdAt()));
            return DidInsert.CREATED;
        } catch (DbClientException e) {
            String state = Db.sqlState(e);
            if (UNIQUE_VIOLATION.equals(state)) {
                return DidInsert.NUMBER_TAKEN;
            }
            if (FK_VIOLATION.equals(state) || FK_PARENT_MISSING.equals(state)) {
                return DidInsert.BOT_GONE;
            }
            throw e;
        }
    }

    @Override
    public List<Did> dids(String workspaceId, PageRequest page) {
        return Db.list(exec.get().namedQuery("select-dids", after(workspaceId, page)), Rows::did);
    }

    @Override
    public Optional<Did> didForUpdate(String workspaceId, String didId) {
        return exec.get().namedGet("select-did-for-update", workspaceId, didId).map(Rows::did);
    }

    @Override
    public DidInsert updateDidBot(String workspaceId, String didId, String botId) {
        try {
            exec.get().namedUpdate("update-did-bot", botId, workspaceId, didId);
            return DidInsert.CREATED;
        } catch (DbClientException e) {
            String state = Db.sqlState(e);
            if (FK_VIOLATION.equals(state) || FK_PARENT_MISSING.equals(state)) {
                return DidInsert.BOT_GONE;
            }
            throw e;
        }
    }

    @Override
    public void updateDidEarlyMedia(String workspaceId, String didId, EarlyMediaChoice earlyMedia) {
        exec.get().namedUpdate("update-did-early-media", earlyMedia == null ? null : earlyMedia.mode(),
                earlyMedia == null ? null : earlyMedia.clip(), workspaceId, didId);
    }

    @Override
    public Optional<Did> did(String workspaceId, String didId) {
        return exec.get().namedGet("select-did", workspaceId, didId).map(Rows::did);
    }

    @Override
    public Optional<Did> didByNumber(String number) {
        return exec.get().namedGet("select-did-by-number", number).map(Rows::did);
    }

    @Override
    public List<Did> didsOfBot(String botId) {
        return Db.list(exec.get().namedQuery("select-dids-of-bot", botId), Rows::did);
    }

    @Override
    public boolean deleteDid(String workspaceId, String didId) {
        return exec.get().namedDelete("delete-did", workspaceId, didId) > 0;
    }

    @Override
    public void insertApiKey(ApiKey k) {
        exec.get().namedInsert("insert-api-key", k.id(), k.workspaceId(), k.scope().wire(), k.name(), k.secretSha256(),
                Db.utc(k.createdAt()));
    }

    @Override
    public List<ApiKey> apiKeys(String workspaceId, KeyScope scope, PageRequest page) {
        return Db.list(exec.get().namedQuery("select-api-keys", after(workspaceId, scope.wire(), page)), Rows::apiKey);
    }

    @Override
    public Optional<ApiKey> apiKey(String workspaceId, KeyScope scope, String keyId) {
        return exec.get().namedGet("select-api-key", workspaceId, scope.wire(), keyId).map(Rows::apiKey);
    }

    @Override
    public Optional<ApiKey> apiKeyById(String keyId) {
        return exec.get().namedGet("select-api-key-by-id", keyId).map(Rows::apiKey);
    }

    @Override
    public boolean revokeApiKey(String workspaceId, KeyScope scope, String keyId, Instant at) {
        // Two statements, because "is there such a key" and "did its end move" are different answers.
        if (apiKey(workspaceId, scope, keyId).isEmpty()) {
            return false;
        }
        exec.get().namedUpdate("revoke-api-key", Db.utc(at), workspaceId, scope.wire(), keyId, Db.utc(at));
        return true;
    }

    @Override
    public boolean scheduleRevocation(String workspaceId, KeyScope scope, String keyId, Instant at) {
        return exec.get().namedUpdate("schedule-api-key-revocation", Db.utc(at), workspaceId, scope.wire(), keyId) > 0;
    }

    @Override
    public boolean setWebhookSecret(String workspaceId, String secret) {
        return exec.get().namedUpdate("set-webhook-secret", secret, workspaceId) > 0;
    }

    @Override
    public void insertTrunk(Trunk t) {
        TrunkSide.Outbound out = t.side() instanceof TrunkSide.Outbound o ? o : null;
        TrunkSide.Inbound in = t.side() instanceof TrunkSide.Inbound i ? i : null;
        exec.get().namedInsert("insert-trunk", t.id(), t.workspaceId(), t.name(), t.side().direction(),
                out == null ? null : out.host(), out == null ? null : out.port(), out == null ? null : out.transport().wire(),
                out == null ? null : out.callerId(), out == null || out.callerIdOverride(),
                in == null ? null : String.join(",", in.allowedCidrs()), in == null ? null : in.transportsText(),
                in != null && in.tlsRequired(), t.username(), t.passwordEnc(), Db.utc(t.createdAt()), t.dtmfMode().wire(),
                TrunkCodecs.toColumn(t.codecs()));
    }

    @Override
    public boolean updateInboundTrunk(String workspaceId, String trunkId, TrunkSide.Inbound rules) {
        return exec.get().namedUpdate("update-inbound-trunk", String.join(",", rules.allowedCidrs()), rules.transportsText(),
                rules.tlsRequired(), workspaceId, trunkId) > 0;
    }

    @Override
    public boolean updateOutboundTrunk(Trunk t) {
        TrunkSide.Outbound out = (TrunkSide.Outbound) t.side();
        return exec.get().namedUpdate("update-outbound-trunk", t.name(), out.host(), out.port(), out.transport().wire(),
                out.callerId(), out.callerIdOverride(), t.username(), t.passwordEnc(), t.dtmfMode().wire(),
                TrunkCodecs.toColumn(t.codecs()), t.workspaceId(), t.id()) > 0;
    }

    @Override
    public List<Trunk> trunks(String workspaceId, PageRequest page) {
        return Db.list(exec.get().namedQuery("select-trunks", after(workspaceId, page)), Rows::trunk);
    }

    @Override
    public Optional<Trunk> trunk(String workspaceId, String trunkId) {
        return exec.get().namedGet("select-trunk", workspaceId, trunkId).map(Rows::trunk);
    }

    @Override
    public Optional<Trunk> trunkForUpdate(String workspaceId, String trunkId) {
        return exec.get().namedGet("select-trunk-for-update", workspaceId, trunkId).map(Rows::trunk);
    }

    @Override
    public boolean deleteTrunk(String workspaceId, String trunkId) {
        return exec.get().namedDelete("delete-trunk", workspaceId, trunkId) > 0;
    }

    /** The keyset parameters {@code (created_at > ? OR (created_at = ? AND id > ?)) ... LIMIT ?}, after {@code leading}. */
    private static Object[] after(Object... leadingThenPage) {
        PageRequest page = (PageRequest) leadingThenPage[leadingThenPage.length - 1];
        int lead = leadingThenPage.length - 1;
        Object[] params = new Object[lead + 4];
        System.arraycopy(leadingThenPage, 0, params, 0, lead);
        params[lead] = Db.utc(page.afterTime());
        params[lead + 1] = Db.utc(page.afterTime());
        params[lead + 2] = page.afterId();
        params[lead + 3] = page.fetch();
        return params;
    }
}
