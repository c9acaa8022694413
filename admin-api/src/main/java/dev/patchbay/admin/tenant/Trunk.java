package dev.patchbay.admin.tenant;

import java.time.Instant;

/**
 * Where a workspace's outbound calls go.
 *
 * @param host        a host name (lower case), an IPv4 literal, or an IPv6 literal in brackets, as it goes into SIP URIs
 * @param username    digest user name; null when the trunk does not authenticate
 * @param passwordEnc the digest password sealed with {@link dev.patchbay.schema.SecretBox}; null when there is none
 */
public record Trunk(String id, String workspaceId, String name, String host, int port, Transport transport,
                    String username, String passwordEnc, Instant createdAt) {

    public boolean hasPassword() {
        return passwordEnc != null;
    }

    @Override
    public String toString() {
        return "Trunk[id=" + id + ", workspaceId=" + workspaceId + ", name=" + name + ", host=" + host + ", port=" + port
                + ", transport=" + transport.wire() + ", username=" + username + ", password=" + (hasPassword() ? "<sealed>" : "<none>")
                + ", createdAt=" + createdAt + "]";
    }
}
