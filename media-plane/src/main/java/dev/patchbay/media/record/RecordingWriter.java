package dev.patchbay.media.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/** The one thread that writes every recording to disk, every 100 ms. */
public final class RecordingWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RecordingWriter.class.getName());

    private final List<CallRecorder> active = new CopyOnWriteArrayList<>();
    private Thread thread;
    private volatile boolean running = true;

    /** Starts the writing thread; once only. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the recording writer is already started");
        }
        thread = Thread.ofPlatform().name("recording-writer").daemon(true).start(this::run);
    }

    public void add(CallRecorder recorder) {
        active.add(recorder);
    }

    /** Whether {@code path} is a recording still being written (its header not yet final). */
    public boolean writing(Path path) {
        return active.stream().anyMatch(r -> r.path().equals(path));
    }

    private void run() {
        while (running || !active.isEmpty()) {
            for (CallRecorder r : active) {
                try {
                    if (r.drain()) {
                        active.remove(r);
                    }
                } catch (IOException e) {
                    LOG.warning(() -> "recording " + r.path() + " failed and is abandoned: " + e.getMessage());
                    active.remove(r);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Finishes the recordings still open (their calls have been ended first), then stops. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread == null) {
            return;
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
