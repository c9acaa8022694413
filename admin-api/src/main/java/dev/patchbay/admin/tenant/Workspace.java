package dev.patchbay.admin.tenant;

import java.time.Instant;

/** A tenant. A disabled workspace keeps its configuration but the control-plane rejects its calls. */
public record Workspace(String id, String name, boolean enabled, Instant createdAt) {
}
