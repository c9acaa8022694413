package dev.patchbay.media.loop;

/**
 * Monotonic time in nanoseconds: the one clock the media path and the call timings read. Production
 * passes {@link #SYSTEM}; tests pass a clock they move themselves, so a trace replays at exact times.
 */
@FunctionalInterface
public interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanos();
}
