package dev.patchbay.admin.tenant;

import java.time.Instant;
import java.util.List;

/**
 * A workspace's SIP trunk, outbound (where its calls go) or inbound (who may call it).
 *
 * @param username    digest user name: sent by Patchbay on an outbound trunk, expected from callers on an inbound
 *                    one; null when the trunk does not authenticate
 * @param passwordEnc the digest password sealed with {@link dev.patchbay.schema.SecretBox}; null when there is none
 * @param dtmfMode    how digits sent to its calls reach the far end (V13)
 * @param codecs      the voice codecs its calls may use, best first (V26); null for Patchbay's default order
 */
public record Trunk(String id, String workspaceId, String name, TrunkSide side, String username, String passwordEnc,
                    Instant createdAt, DtmfMode dtmfMode, List<String> codecs) {

    public boolean hasPassword() {
        return passwordEnc != null;
    }

    @Override
    public String toString() {
        return "Trunk[id=" + id + ", workspaceId=" + workspaceId + ", name=" + name + ", side=" + side
                + ", username=" + username + ", password=" + (hasPassword() ? "<sealed>" : "<none>")
                + ", createdAt=" + createdAt + ", dtmfMode=" + dtmfMode + ", codecs=" + codecs + "]";
    }
}
