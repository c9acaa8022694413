package dev.patchbay.control.model;

import java.util.List;
import java.util.Map;

/**
 * What a trunk decides about its calls' media, carried from the trunk's row to the media-plane's
 * Answer (inbound) or PlaceCallRequest (outbound).
 *
 * @param dtmfMode how digits sent to its calls reach the far end (V13)
 * @param codecs   its codec order, best first (V26), as the media-plane reads it; empty = the default order
 */
public record TrunkMedia(TrunkDtmfMode dtmfMode, List<String> codecs) {

    /** A call no trunk admitted: Patchbay's defaults. */
    public static final TrunkMedia DEFAULT = new TrunkMedia(TrunkDtmfMode.AUTO, List.of());

    public TrunkMedia {
        codecs = List.copyOf(codecs);
    }

    /** From a trunk row's {@code dtmf_mode} and {@code codecs} columns; a column a query leaves out reads as the default. */
    public static TrunkMedia fromColumns(Map<String, Object> c) {
        Object codecs = c.get("codecs");
        return new TrunkMedia(TrunkDtmfMode.fromColumn(c.get("dtmf_mode")),
                codecs == null ? List.of() : List.of(((String) codecs).split(",")));
    }
}
