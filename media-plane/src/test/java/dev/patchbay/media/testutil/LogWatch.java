package dev.patchbay.media.testutil;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one logger writes while the watch is open, so a test can wait for the moment a process
 * noticed something (a lost stream, say) that it exposes no other way, instead of sleeping a fixed time.
 */
public final class LogWatch implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            messages.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogWatch(Class<?> source) {
        // Kept in a field: JUL holds loggers weakly, and a collected logger would drop the handler.
        logger = Logger.getLogger(source.getName());
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Watches the logger named after {@code source}, as the production classes name theirs. */
    public static LogWatch on(Class<?> source) {
        return new LogWatch(source);
    }

    /** Waits until a message matching {@code what} has been logged since the watch opened. */
    public void await(Predicate<String> what, Duration timeout, String description) throws InterruptedException {
        Await.until(() -> messages.stream().anyMatch(what), timeout, () -> description + "; logged: " + messages);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
