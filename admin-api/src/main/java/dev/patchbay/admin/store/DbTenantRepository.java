package dev.patchbay.admin.store;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.patchbay.admin.tenant.Bot;
import dev.patchbay.admin.tenant.Did;
import dev.patchbay.admin.tenant.TenantRepository;
import dev.patchbay.admin.tenant.Workspace;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

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
        DbTransaction tx = db.transaction();
        T result;
        try {
            result = work.apply(new DbTenantRepository(db, () -> tx));
        } catch (RuntimeException e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        tx.commit();
        return result;
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
    public void insertWorkspace(Workspace w) {
        exec.get().namedInsert("insert-workspace", w.id(), w.name(), w.enabled(), utc(w.createdAt()));
    }

    @Override
    public List<Workspace> workspaces() {
        return list(exec.get().namedQuery("select-workspaces"), Rows::workspace);
    }

    @Override
    public Optional<Workspace> workspace(String id) {
        return exec.get().namedGet("select-workspace", id).map(Rows::workspace);
    }

    @Override
    public void insertBot(Bot b) {
        exec.get().namedInsert("insert-bot", b.id(), b.workspaceId(), b.name(), b.kind().wire(), b.url(), b.dialect(),
                utc(b.createdAt()));
    }

    @Override
    public List<Bot> bots(String workspaceId) {
        return list(exec.get().namedQuery("select-bots", workspaceId), Rows::bot);
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
            if (FK_VIOLATION.equals(sqlState(e))) {
                return BotDelete.IN_USE;
            }
            throw e;
        }
    }

    @Override
    public DidInsert insertDid(Did d) {
        try {
            exec.get().namedInsert("insert-did", d.id(), d.workspaceId(), d.number(), d.botId(), utc(d.createdAt()));
            return DidInsert.CREATED;
        } catch (DbClientException e) {
            String state = sqlState(e);
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
    public List<Did> dids(String workspaceId) {
        return list(exec.get().namedQuery("select-dids", workspaceId), Rows::did);
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
        return list(exec.get().namedQuery("select-dids-of-bot", botId), Rows::did);
    }

    @Override
    public boolean deleteDid(String workspaceId, String didId) {
        return exec.get().namedDelete("delete-did", workspaceId, didId) > 0;
    }

    // A query stream holds a connection until closed.
    private static <T> List<T> list(Stream<DbRow> rows, Function<DbRow, T> map) {
        try (rows) {
            return rows.map(map).toList();
        }
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
