package dev.patchbay.agents.transcripts;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fans a call's transcript messages out to the WebSocket subscribers of that call on this replica.
 * Each subscriber has a bounded queue drained by its own virtual thread, so a poster only ever
 * offers: a subscriber whose queue is full is dropped and closed with 1013 (try again later)
 * instead of slowing the bot that posts.
 */
public final class TranscriptHub implements AutoCloseable {

    static final int TOO_SLOW = 1013;
    static final int GOING_AWAY = 1001;

    /** Where a subscriber's messages go; a WebSocket session in production. */
    interface Sink {
        void send(String text);

        void close(int code, String reason);
    }

    /** One subscriber of one call. */
    final class Subscriber {
        private final String callId;
        private final Sink sink;
        private final BlockingQueue<String> queue;
        private volatile int closeCode;
        private volatile String closeReason;

        private Subscriber(String callId, Sink sink, String first) {
            this.callId = callId;
            this.sink = sink;
            this.queue = new ArrayBlockingQueue<>(queueSize + 1);
            queue.add(first);
        }

        private void drain() {
            try {
                while (true) {
                    String message = queue.take();
                    if (closeCode != 0) {
                        sink.close(closeCode, closeReason);
                        return;
                    }
                    sink.send(message);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // The peer went away mid-send; onClose unsubscribes too, this covers a silent drop.
                unsubscribe(this);
            }
        }

        /** Stops delivery and has the drain thread close the socket, so the close never races a send. */
        private void end(int code, String reason) {
            closeReason = reason;
            closeCode = code;
            queue.clear();
            // If this offer loses to a concurrent publish, the queue is non-empty anyway and the drain wakes.
            queue.offer("");
        }
    }

    private final Map<String, Set<Subscriber>> byCall = new ConcurrentHashMap<>();
    private final int queueSize;

    public TranscriptHub(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Subscribes; {@code first} is delivered before anything published after this returns. */
    Subscriber subscribe(String callId, Sink sink, String first) {
        Subscriber s = new Subscriber(callId, sink, first);
        byCall.computeIfAbsent(callId, k -> ConcurrentHashMap.newKeySet()).add(s);
        Thread.ofVirtual().name("transcript-stream-" + callId).start(s::drain);
        return s;
    }

    void unsubscribe(Subscriber s) {
        byCall.computeIfPresent(s.callId, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /** Offers the messages, in order, to every subscriber of the call; never blocks on a subscriber. */
    public void publish(String callId, List<String> messages) {
        Set<Subscriber> subscribers = byCall.get(callId);
        if (subscribers == null) {
            return;
        }
        // One batch at a time per call, so two posters' batches do not interleave on the wire.
        synchronized (subscribers) {
            for (Subscriber s : subscribers) {
                for (String m : messages) {
                    if (!s.queue.offer(m)) {
                        unsubscribe(s);
                        s.end(TOO_SLOW, "subscriber too slow: more than " + queueSize + " messages unread");
                        break;
                    }
                }
            }
        }
    }

    public int subscribers(String callId) {
        Set<Subscriber> set = byCall.get(callId);
        return set == null ? 0 : set.size();
    }

    /** Closes every stream (1001 going away), e.g. when the server stops. */
    @Override
    public void close() {
        byCall.values().forEach(set -> set.forEach(s -> s.end(GOING_AWAY, "server stopping")));
        byCall.clear();
    }
}
