package dev.patchbay.control.call;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;

/**
 * The custom parameters an inbound WSS bot receives in its start message:
 * <ul>
 *   <li>{@code sip.<Header-Name>} for every header of the INVITE, first value only and named as the
 *       INVITE spelled it (RingCX: "SIP headers shall be available from the bot flow engine");</li>
 *   <li>an integration's own, such as Ameyo's {@code ameyo.*} (see {@code AmeyoCallTag}).</li>
 * </ul>
 * Credentials meant for Patchbay (Authorization, Proxy-Authorization) are left out: the bot is a third
 * party. The whole set is capped so that it fits the call record; headers past the cap are dropped and
 * the drop is named in {@code sip.truncated}.
 */
public final class BotParameters {

    /** calls.custom_parameters is VARCHAR(65536) since V5; keep clear of it after JSON escaping. */
    static final int MAX_JSON_CHARS = 60_000;
    private static final Set<String> WITHHELD = Set.of("authorization", "proxy-authorization");
    private static final ObjectMapper JSON = new ObjectMapper();

    private BotParameters() {
    }

    /**
     * The {@code integration}'s parameters, the INVITE's headers, then {@code given} (a bot platform's own,
     * from its webhook answer), which win on a clash and count against the same cap.
     */
    public static Map<String, String> of(CallOffered offer, Map<String, String> integration, Map<String, String> given) {
        Map<String, String> params = new LinkedHashMap<>(integration);
        int size = given.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length() * 2 + 8).sum();
        int dropped = 0;
        for (SipHeader h : offer.getHeadersList()) {
            String key = "sip." + h.getName();
            if (WITHHELD.contains(h.getName().toLowerCase(Locale.ROOT)) || params.containsKey(key)) {
                continue;
            }
            int cost = key.length() + h.getValue().length() * 2 + 8;
            if (size + cost > MAX_JSON_CHARS) {
                dropped++;
                continue;
            }
            size += cost;
            params.put(key, h.getValue());
        }
        if (dropped > 0) {
            params.put("sip.truncated", dropped + " headers left out to fit " + MAX_JSON_CHARS + " characters");
        }
        params.putAll(given);
        return params;
    }

    static String json(Map<String, String> params) {
        if (params.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("custom parameters cannot be written as JSON", e);
        }
    }
}
