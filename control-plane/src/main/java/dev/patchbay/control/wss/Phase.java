package dev.patchbay.control.wss;

import java.net.http.WebSocket;

/** Where a bridge's bot socket stands. Moves only forward, except Lost back to Open on a reconnect. */
sealed interface Phase {

    /** The first connect is under way; nothing is attached yet. */
    record Connecting() implements Phase { }

    /** Frames flow over {@code socket}. */
    record Open(WebSocket socket) implements Phase { }

    /** The socket dropped without a close frame; reconnecting until {@code deadlineNanos}. */
    record Lost(long deadlineNanos) implements Phase { }

    /** The bot closed its socket; the call is being hung up, or held for the far end's BYE (Ameyo, RingCX). */
    record BotClosed() implements Phase { }

    /** The call ended; the stop message and our close frame are on their way over {@code socket}. */
    record Closing(WebSocket socket) implements Phase { }

    record Ended(String reason) implements Phase { }
}
