package dev.patchbay.agents;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.patchbay.agents.auth.ClientAddress;
import org.junit.jupiter.api.Test;

/**
 * Seed 003 §6: {@code X-Forwarded-For} counts for the IP allow-list only from a configured trusted proxy,
 * over real HTTP and PostgreSQL. The test's own requests come from 127.0.0.1, which plays the proxy.
 */
class TrustedProxyTest {

    private static final String LIST = "/api/v1/security/whitelist";

    private static int status(AgentsRig rig, String forwardedFor) throws Exception {
        return rig.call("GET", LIST, KEY_A, "agent-x", null,
                forwardedFor == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor)).status();
    }

    private static void allowOnly(AgentsRig rig, String cidr) throws Exception {
        rig.sql("INSERT INTO agent_ip_allowlist (id, workspace_id, cidr, description, created_at)"
                + " VALUES ('ipw_t', 'ws_a', '" + cidr + "', 'agents', CURRENT_TIMESTAMP)");
    }

    @Test
    void forwardedForFromATrustedProxyNamesTheClient() throws Exception {
        try (AgentsRig rig = new AgentsRig(Map.of(ClientAddress.KEY, "127.0.0.1, 10.9.0.0/16"))) {
            allowOnly(rig, "203.0.113.0/24");
            assertEquals(200, status(rig, "203.0.113.5"));
            assertEquals(403, status(rig, null), "the proxy itself is not on the list");
            // The rightmost untrusted hop is the client: an address a client wrote to the left is not believed.
            assertEquals(403, status(rig, "203.0.113.5, 198.51.100.7"));
            assertEquals(200, status(rig, "198.51.100.7, 203.0.113.5"));
            // Hops through further trusted proxies are skipped, in one header or several.
            assertEquals(200, status(rig, "203.0.113.5, 10.9.1.1"));
            assertEquals(403, status(rig, "not-an-address"));
            // The lock-out guard of the allow-list's own routes sees the same client: with the peer's address
            // (127.0.0.1, on neither list) the first removal would be refused as well.
            rig.sql("INSERT INTO agent_ip_allowlist (id, workspace_id, cidr, description, created_at)"
                    + " VALUES ('ipw_u', 'ws_a', '198.51.100.0/24', 'office', CURRENT_TIMESTAMP)");
            Map<String, String> via = Map.of("X-Forwarded-For", "203.0.113.5");
            assertEquals(200, rig.call("DELETE", LIST + "/ipw_u", KEY_A, "agent-x", null, via).status());
            rig.sql("INSERT INTO agent_ip_allowlist (id, workspace_id, cidr, description, created_at)"
                    + " VALUES ('ipw_v', 'ws_a', '198.51.100.0/24', 'office', CURRENT_TIMESTAMP)");
            AgentsRig.Answer self = rig.call("DELETE", LIST + "/ipw_t", KEY_A, "agent-x", null, via);
            assertEquals(409, self.status());
            assertTrue(self.body().get("detail").asText().contains("203.0.113.5"), self.body().toString());
        }
    }

    @Test
    void forwardedForFromAnyOtherPeerIsIgnored() throws Exception {
        try (AgentsRig rig = new AgentsRig(Map.of())) {
            allowOnly(rig, "203.0.113.0/24");
            assertEquals(403, status(rig, "203.0.113.5"));
            assertEquals(403, status(rig, null));
        }
        try (AgentsRig rig = new AgentsRig(Map.of(ClientAddress.KEY, "192.0.2.1"))) {
            allowOnly(rig, "203.0.113.0/24");
            assertEquals(403, status(rig, "203.0.113.5"), "127.0.0.1 is not the trusted proxy");
        }
    }

    @Test
    void aBadProxyEntryFailsNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClientAddress(List.of("10.0.0.0/8", "proxy.local")));
        assertTrue(e.getMessage().startsWith(ClientAddress.KEY + ": 'proxy.local'"), e.getMessage());
    }
}
