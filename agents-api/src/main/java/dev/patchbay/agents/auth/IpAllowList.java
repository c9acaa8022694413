package dev.patchbay.agents.auth;

import java.util.List;
import java.util.Map;

import dev.patchbay.control.net.Cidrs;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;

/**
 * The networks a workspace's agents may call from. A workspace with no entries is open to any
 * address that holds a key, as the seed's optional whitelist implies. Read per request, so a
 * change applies to the next one.
 */
public final class IpAllowList {

    /** One allowed network. */
    public record Entry(String id, String cidr, String description, java.time.Instant createdAt) { }


    private final DbClient db;

    public IpAllowList(DbClient db) {
        this.db = db;
    }

    public boolean allows(String workspaceId, String address) {
        List<String> cidrs = entries(workspaceId).stream().map(Entry::cidr).toList();
        return cidrs.isEmpty() || Cidrs.contains(cidrs, address);
    }

    public List<Entry> entries(String workspaceId) {
        return Db.list(db.execute().namedQuery("ip-allow-list-select", workspaceId), row -> {
            Map<String, Object> c = Db.columns(row);
            return new Entry((String) c.get("id"), (String) c.get("cidr"), (String) c.get("description"),
                    Db.instant(c.get("created_at")));
        });
    }

    /** Adds networks in one transaction: all of them or none. */
    public List<Entry> add(String workspaceId, List<String> cidrs, String description, java.time.Instant now) {
        return Db.inTransaction(db, tx -> cidrs.stream().map(cidr -> {
            Entry e = new Entry(SessionTokens.newId("ipw"), cidr, description, now);
            tx.namedInsert("ip-allow-list-insert", e.id(), workspaceId, e.cidr(), e.description(), Db.utc(now));
            return e;
        }).toList());
    }
}
