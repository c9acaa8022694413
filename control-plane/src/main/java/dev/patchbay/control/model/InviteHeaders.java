package dev.patchbay.control.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.proto.media.v1.SipHeader;

/**
 * An inbound INVITE's headers as its call's record keeps them ({@code calls.sip_headers}, V29), for the console's
 * call page: in the INVITE's order with repeats, every header but the credentials, bounded so a carrier's
 * 60-header INVITE costs the row a known amount.
 *
 * <ul>
 *   <li>{@code Authorization} and {@code Proxy-Authorization} are never kept, not even their names: a digest
 *       response can be replayed against the realm while its nonce lives.</li>
 *   <li>A value longer than {@link #VALUE_MAX} characters is cut there and marked {@code truncated} (a STIR/SHAKEN
 *       {@code Identity} is about 800).</li>
 *   <li>At most {@link #COUNT_MAX} headers and {@link #TOTAL_MAX} characters of names and values are kept; the
 *       first header past either bound and all after it are only counted, as {@code omitted}, so what is kept is
 *       always the INVITE's start, in order.</li>
 * </ul>
 *
 * @param omitted how many headers the bounds left out (credentials are not counted)
 */
public record InviteHeaders(List<Header> headers, int omitted) {

    public static final int VALUE_MAX = 2048;
    public static final int COUNT_MAX = 64;
    public static final int TOTAL_MAX = 16 * 1024;
    public static final InviteHeaders NONE = new InviteHeaders(List.of(), 0);

    private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization");

    /** One header as kept; {@code truncated} when its value was cut at {@link #VALUE_MAX}. */
    public record Header(String name, String value, boolean truncated) { }

    public InviteHeaders {
        headers = List.copyOf(headers);
    }

    /** The headers of an INVITE as the media-plane reported them (CallOffered.headers), bounded as above. */
    public static InviteHeaders of(List<SipHeader> invite) {
        List<Header> kept = new ArrayList<>();
        int total = 0;
        int omitted = 0;
        for (SipHeader h : invite) {
            if (CREDENTIALS.contains(h.getName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            boolean cut = h.getValue().length() > VALUE_MAX;
            String value = cut ? h.getValue().substring(0, VALUE_MAX) : h.getValue();
            if (omitted > 0 || kept.size() == COUNT_MAX || total + h.getName().length() + value.length() > TOTAL_MAX) {
                omitted++;
                continue;
            }
            total += h.getName().length() + value.length();
            kept.add(new Header(h.getName(), value, cut));
        }
        return new InviteHeaders(kept, omitted);
    }

    /** The stored document: {@code {"headers": [{"name", "value"[, "truncated": true]}...], "omitted": n}}. */
    public String json() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ArrayNode list = doc.putArray("headers");
        for (Header h : headers) {
            ObjectNode o = list.addObject().put("name", h.name()).put("value", h.value());
            if (h.truncated()) {
                o.put("truncated", true);
            }
        }
        return doc.put("omitted", omitted).toString();
    }

    /** Reads {@link #json()}'s document back. */
    public static InviteHeaders fromJson(String json) {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("calls.sip_headers is not the JSON InviteHeaders writes: " + e.getMessage(), e);
        }
        List<Header> list = new ArrayList<>();
        doc.path("headers").forEach(h -> list.add(new Header(h.path("name").asText(), h.path("value").asText(),
                h.path("truncated").asBoolean(false))));
        return new InviteHeaders(list, doc.path("omitted").asInt());
    }
}
