package dev.patchbay.media.loop;

/** Takes a copy of each caller frame as well as the bot (a bridge's other leg); called on the call's media loop. */
@FunctionalInterface
public interface FrameTap {

    /** 20 ms of caller audio, 160 samples at 8 kHz; {@code pcm} is reused after the call returns. */
    void frame(short[] pcm);
}
