package dev.patchbay.control.routing;

/** What the control-plane decided for an offered call. */
public sealed interface Route {

    /** Refuse the call with a SIP status; the reason goes into the Reason header. */
    record Reject(int sipStatus, String reason) implements Route { }

    /** Answer and attach the built-in echo bot. */
    record Echo(String workspaceId, String botId) implements Route { }
}
