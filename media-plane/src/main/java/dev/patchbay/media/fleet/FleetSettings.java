package dev.patchbay.media.fleet;

import java.time.Duration;

import dev.patchbay.media.config.MediaDefaults;
import dev.patchbay.media.registration.RegistrationSettings;
import dev.patchbay.schema.DbSettings;
import io.helidon.config.Config;

/**
 * How this node joins the fleet: the database its row lives in (none = static list mode, as before
 * issue 16), its stable id, the addresses it publishes, and how often it renews its row.
 *
 * @param nodeId      stable id; empty = {@code <public host>:<sip port>}
 * @param db          the shared database, or null when {@code patchbay.db.connection.url} is empty
 * @param heartbeat   how often the row is renewed; control-planes declare it dead after their lapse
 * @param sipAddress  the public SIP {@code host:port} a SIP front sends to; empty = derived
 * @param grpcAddress the gRPC {@code host:port} control-planes dial; empty = derived (what call records name)
 * @param registration how this node holds trunk registrations (only with a database and a secrets key)
 */
public record FleetSettings(String nodeId, DbSettings db, Duration heartbeat, String sipAddress, String grpcAddress,
                            RegistrationSettings registration) {

    /** What the shipped application.yaml sets: no registry, so control-planes find this node through their static list. */
    public static FleetSettings defaults() {
        return from(MediaDefaults.root().get("patchbay"));
    }

    public FleetSettings {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("patchbay.node.heartbeat must be positive, got " + heartbeat);
        }
    }

    public boolean registers() {
        return db != null;
    }

    public FleetSettings withDb(DbSettings db) {
        return new FleetSettings(nodeId, db, heartbeat, sipAddress, grpcAddress, registration);
    }

    public FleetSettings withNodeId(String id) {
        return new FleetSettings(id, db, heartbeat, sipAddress, grpcAddress, registration);
    }

    public FleetSettings withHeartbeat(Duration every) {
        return new FleetSettings(nodeId, db, every, sipAddress, grpcAddress, registration);
    }

    public FleetSettings withRegistration(RegistrationSettings settings) {
        return new FleetSettings(nodeId, db, heartbeat, sipAddress, grpcAddress, settings);
    }

    /** Reads {@code patchbay.node.*} and {@code patchbay.db.connection.*}; an empty URL means no registry. */
    public static FleetSettings from(Config patchbay) {
        Config connection = patchbay.get("db.connection");
        String url = connection.get("url").asString().get();
        String username = connection.get("username").asString().get();
        String password = connection.get("password").asString().get();
        return new FleetSettings(patchbay.get("node.id").asString().get(),
                url.isBlank() ? null : new DbSettings(url, username, password),
                patchbay.get("node.heartbeat").as(Duration.class).get(),
                patchbay.get("node.sip-address").asString().get(),
                patchbay.get("node.grpc-address").asString().get(),
                RegistrationSettings.from(patchbay));
    }
}
