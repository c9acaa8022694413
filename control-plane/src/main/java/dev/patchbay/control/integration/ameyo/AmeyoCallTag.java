package dev.patchbay.control.integration.ameyo;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.patchbay.control.model.AmeyoTag;
import dev.patchbay.control.model.Route;
import dev.patchbay.proto.media.v1.CallOffered;

/** The Ameyo tag of a call {@link AmeyoRouting} routed, and how a bot sees it. */
public final class AmeyoCallTag {

    private AmeyoCallTag() {
    }

    /**
     * The tag of a call routed by Ameyo's step, null for any other call. The router accepted the display
     * already; parsing it again keeps Route free of Ameyo's fields.
     */
    public static AmeyoTag of(Route.ToBot bot, CallOffered offer) {
        return AmeyoRouting.FROM_DISPLAY.equals(bot.via())
                && AmeyoDisplay.parse(offer.getFromDisplay()) instanceof AmeyoDisplay.Parsed.Ok ok ? ok.tag() : null;
    }

    /** {@code ameyo.did}, {@code ameyo.did_raw} and {@code ameyo.crt} for a bot's custom parameters; none without a tag. */
    public static Map<String, String> botParameters(AmeyoTag tag) {
        Map<String, String> params = new LinkedHashMap<>();
        if (tag != null) {
            params.put("ameyo.did", tag.did());
            params.put("ameyo.did_raw", tag.didRaw());
            params.put("ameyo.crt", tag.crt());
        }
        return params;
    }
}
