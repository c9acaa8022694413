package dev.patchbay.control.store;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.patchbay.control.model.TrunkDtmfMode;
import dev.patchbay.control.model.TrunkMedia;
import dev.patchbay.schema.Db;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * A workspace's inbound trunks (V8), read on every INVITE: an allow-list or a password changed through
 * the admin API applies to the very next call, with no cache to invalidate.
 */
public final class InboundTrunks {

    /**
     * One inbound trunk; {@code passwordEnc} is still SecretBox ciphertext.
     *
     * @param cidrs      sources whose INVITEs are taken without digest; empty = digest only
     * @param transports lower-case udp/tcp/tls the INVITE may arrive over; empty = any
     */
    public record Trunk(String id, List<String> cidrs, Set<String> transports, boolean tlsRequired, String username,
                        String passwordEnc, TrunkMedia media) {

        public Trunk(String id, List<String> cidrs, Set<String> transports, boolean tlsRequired, String username,
                     String passwordEnc) {
            this(id, cidrs, transports, tlsRequired, username, passwordEnc, TrunkMedia.DEFAULT);
        }

        public TrunkDtmfMode dtmfMode() {
            return media.dtmfMode();
        }

        public boolean allows(String transport) {
            return tlsRequired ? "tls".equals(transport) : transports.isEmpty() || transports.contains(transport);
        }

        public boolean hasDigest() {
            return username != null && passwordEnc != null;
        }

        /** For Reason headers: what the caller must use instead. */
        public String transportRule() {
            return tlsRequired ? "TLS is required" : "allowed: " + String.join(", ", transports);
        }

        @Override
        public String toString() {
            return "Trunk[id=" + id + ", cidrs=" + cidrs + ", transports=" + transports + ", tlsRequired=" + tlsRequired
                    + ", username=" + username + ", password=" + (passwordEnc == null ? "<none>" : "<redacted>")
                    + ", media=" + media + "]";
        }
    }

    private final DbClient db;

    public InboundTrunks(DbClient db) {
        this.db = db;
    }

    public List<Trunk> of(String workspaceId) {
        try (Stream<DbRow> rows = db.execute().namedQuery("select-inbound-trunks", workspaceId)) {
            return rows.map(row -> {
                Map<String, Object> c = Db.columns(row);
                return new Trunk((String) c.get("id"), split((String) c.get("allowed_cidrs")),
                        split((String) c.get("transports")).stream().map(t -> t.toLowerCase(Locale.ROOT))
                                .collect(Collectors.toUnmodifiableSet()),
                        Boolean.TRUE.equals(c.get("tls_required")), (String) c.get("username"), (String) c.get("password_enc"),
                        TrunkMedia.fromColumns(c));
            }).toList();
        }
    }

    private static List<String> split(String csv) {
        return csv == null ? List.of()
                : Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
