package dev.patchbay.admin.tenant;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.patchbay.rest.FieldError;

/**
 * What a caller hears while a call rings (V14): {@code none} (180 Ringing, the caller's network plays
 * its ringback or nothing), {@code ringback} (183 with SDP and the gateway's ringback tone), or
 * {@code clip} (183 and the WAV file {@code clip} names in the control-plane's clip folder).
 *
 * @param mode none, ringback or clip
 * @param clip a plain {@code .wav} file name, only with {@code clip}
 */
public record EarlyMediaChoice(String mode, String clip) {

    public static final EarlyMediaChoice NONE = new EarlyMediaChoice("none", null);
    static final String MODE = "early_media";
    static final String CLIP = "early_media_clip";
    static final List<String> MODES = List.of("none", "ringback", "clip");
    /** The control-plane reads clips by this name from one folder: no paths, so nothing outside it. */
    static final Pattern CLIP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,123}\\.wav");

    /**
     * A bot's choice. Only webhook bots ring (every other kind is answered at once), so anything but
     * none on another kind is refused rather than stored to no effect. A null kind (itself an error)
     * skips that rule.
     */
    static EarlyMediaChoice parse(BotKind kind, Optional<String> mode, Optional<String> clip, List<FieldError> errors) {
        EarlyMediaChoice choice = parse(mode.orElse("none"), clip, errors);
        if (choice != null && kind != null && kind != BotKind.WEBHOOK && !"none".equals(choice.mode())) {
            errors.add(new FieldError(MODE, "applies only to webhook bots, whose calls ring while the webhook decides; a "
                    + kind.wire() + " bot's calls are answered at once"));
            return NONE;
        }
        return choice == null ? NONE : choice;
    }

    /** A DID's override: absent or null keeps its bot's choice (returns null). */
    static EarlyMediaChoice parseOverride(Optional<String> mode, Optional<String> clip, List<FieldError> errors) {
        if (mode.isEmpty()) {
            if (clip.isPresent()) {
                errors.add(new FieldError(CLIP, "needs early_media set to clip"));
            }
            return null;
        }
        return parse(mode.get(), clip, errors);
    }

    private static EarlyMediaChoice parse(String mode, Optional<String> clip, List<FieldError> errors) {
        if (!MODES.contains(mode)) {
            errors.add(new FieldError(MODE, "must be one of " + String.join(", ", MODES)));
            return null;
        }
        if (!"clip".equals(mode)) {
            if (clip.isPresent()) {
                errors.add(new FieldError(CLIP, "applies only with early_media clip; remove it for " + mode));
            }
            return new EarlyMediaChoice(mode, null);
        }
        if (clip.isEmpty() || clip.get().isBlank()) {
            errors.add(new FieldError(CLIP, "is required with early_media clip: the name of a .wav file in the"
                    + " control-plane's clip folder (patchbay.control.early-media.clips)"));
            return null;
        }
        if (!CLIP_NAME.matcher(clip.get()).matches()) {
            errors.add(new FieldError(CLIP, "must be a plain file name ending .wav (letters, digits, . _ -; at most 128"
                    + " characters), not a path"));
            return null;
        }
        return new EarlyMediaChoice(mode, clip.get());
    }
}
