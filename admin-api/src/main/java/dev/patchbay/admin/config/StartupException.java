package dev.patchbay.admin.config;

/**
 * A start-up failure whose message already names the cause and the setting that fixes it, so
 * {@code main} logs it as one line instead of a stack trace.
 */
public final class StartupException extends Exception {

    public StartupException(String message) {
        super(message, null, false, false);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
