package dev.patchbay.control.call;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import dev.patchbay.control.model.Route;
import dev.patchbay.proto.media.v1.EarlyMedia;
import dev.patchbay.proto.media.v1.Ring;
import dev.patchbay.proto.media.v1.Ringback;
import dev.patchbay.startup.ShippedDefaults;
import io.helidon.config.Config;

/**
 * What a ringing call's Ring decision asks the media-plane to play (V14 early media): nothing (180
 * Ringing), the configured ringback tone, or a bot's or DID's WAV clip read from the clip folder. A
 * clip that cannot be read rings with the tone instead, and says so in the call's events: the
 * caller should hear ringing rather than silence whatever an operator misplaced.
 *
 * @param cadence the ringback in FreeSWITCH tone syntax ({@code patchbay.control.early-media.ringback})
 * @param clips   the folder clips are read from ({@code patchbay.control.early-media.clips})
 */
public record RingingSounds(String cadence, Path clips) {

    static final String RINGBACK_KEY = "patchbay.control.early-media.ringback";
    static final String CLIPS_KEY = "patchbay.control.early-media.clips";
    /** A plain file name: the admin API refuses anything else, and this keeps reads inside the folder regardless. */
    public static final Pattern CLIP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,123}\\.wav");
    private static final Pattern CADENCE = Pattern.compile("%\\(\\d{1,5},\\d{1,5},\\d{1,4}(,\\d{1,4})?\\)");
    /** Far above a minute of 16 kHz audio, far below the gRPC message limit. */
    static final long MAX_CLIP_BYTES = 4L * 1024 * 1024 - 64 * 1024;

    public RingingSounds {
        if (!CADENCE.matcher(cadence.replace(" ", "")).matches()) {
            throw new IllegalArgumentException(RINGBACK_KEY + " '" + cadence + "' is not %(on_ms,off_ms,freq_hz[,freq2_hz]),"
                    + " e.g. %(2000,4000,440,480) for US ringback");
        }
    }

    /** The shipped application.yaml alone, without environment or system properties. */
    public static RingingSounds defaults() {
        return from(ShippedDefaults.root(RingingSounds.class));
    }

    /** Reads every setting; defaults live only in application.yaml. */
    public static RingingSounds from(Config root) {
        return new RingingSounds(root.get(RINGBACK_KEY).asString().get(), Path.of(root.get(CLIPS_KEY).asString().get()));
    }

    /** The Ring decision for {@code early}; {@code note} hears of a clip that fell back to the tone. */
    Ring.Builder ring(Route.EarlyMedia early, Consumer<String> note) {
        return switch (early.mode()) {
            case NONE -> Ring.newBuilder();
            case RINGBACK -> Ring.newBuilder().setEarlyMedia(tone());
            case CLIP -> {
                try {
                    yield Ring.newBuilder().setEarlyMedia(EarlyMedia.newBuilder()
                            .setWav(ByteString.copyFrom(clip(early.clip()))));
                } catch (IOException | IllegalArgumentException e) {
                    note.accept("early media clip '" + early.clip() + "' not played (" + e.getMessage() + "); ringback instead");
                    yield Ring.newBuilder().setEarlyMedia(tone());
                }
            }
        };
    }

    private EarlyMedia tone() {
        return EarlyMedia.newBuilder().setRingback(Ringback.newBuilder().setCadence(cadence)).build();
    }

    /** The clip {@code name} from the clip folder (a ringing call's, or a consult's hold music), checked as a WAV. */
    byte[] clip(String name) throws IOException {
        if (name == null || !CLIP_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain .wav file name");
        }
        Path file = clips.resolve(name);
        long size = Files.size(file);
        if (size > MAX_CLIP_BYTES) {
            throw new IllegalArgumentException(size + " bytes, more than " + MAX_CLIP_BYTES);
        }
        byte[] wav = Files.readAllBytes(file);
        if (wav.length < 12 || wav[0] != 'R' || wav[1] != 'I' || wav[2] != 'F' || wav[3] != 'F') {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        return wav;
    }

    public RingingSounds withCadence(String cadence) {
        return new RingingSounds(cadence, clips);
    }

    public RingingSounds withClips(Path clips) {
        return new RingingSounds(cadence, clips);
    }
}
