package dev.patchbay.media.app;

/** A start-up failure whose message already names the cause and the setting that fixes it. */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
