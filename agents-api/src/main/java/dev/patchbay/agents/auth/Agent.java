package dev.patchbay.agents.auth;

import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.rest.ProblemException;

/**
 * Who calls the agents' API: a workspace API key (keyId set) acting for an agent, or a session
 * token (sessionId set), which reaches only its own session.
 */
public record Agent(String workspaceId, String agentId, String keyId, String sessionId) {

    public boolean viaKey() {
        return keyId != null;
    }

    /**
     * The session if this caller may use it. Another workspace's session is 404, as if it did not
     * exist; another agent's session, or another session than the token's, is 403.
     */
    public AgentSession authorize(AgentSession s) {
        if (s == null || !s.workspaceId().equals(workspaceId)) {
            throw ProblemException.notFound("there is no session " + (s == null ? "" : s.id() + " ")
                    + "for this API key", "session_id");
        }
        if (!s.agentId().equals(agentId) || (sessionId != null && !sessionId.equals(s.id()))) {
            throw ProblemException.of(403, "session " + s.id() + " belongs to another agent or token; use that agent's"
                    + " X-Agent-ID or its own session token");
        }
        return s;
    }

    /** Operator-level actions (granting credits, rotating keys, allow-lists) need the API key itself. */
    public void requireKey(String what) {
        if (!viaKey()) {
            throw ProblemException.of(403, what + " needs the workspace API key; a session token may only place and"
                    + " manage calls within its session");
        }
    }
}
