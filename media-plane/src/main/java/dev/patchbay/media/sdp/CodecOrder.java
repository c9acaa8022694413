package dev.patchbay.media.sdp;

import java.util.List;
import java.util.Locale;

/**
 * Which voice codecs an answer may take, best first. The answer takes the offered codec ranked
 * highest here; codecs of equal rank go by the caller's order. The default is G.722, then Opus, then
 * G.711 with PCMU against PCMA left to the caller. Both wideband codecs give the bot the same 16 kHz
 * (speech recognisers do measurably better on it than on G.711). Opus adds in-band FEC and a real loss
 * concealment for lossy internet paths, at a third of G.722's bandwidth, but in pure Java it costs
 * thousands of times G.711's CPU per call against G.722's 150 (docs/benchmarks.md, 2026-12-07), so a
 * caller that offers both gets G.722, and Opus serves callers whose only wideband codec it is (WebRTC
 * gateways, many softphones). A trunk on a lossy path can rank Opus first.
 *
 * @param ranks per codec, in {@link #NAMES} order: its rank (lower is better), or -1 when not accepted
 */
public record CodecOrder(List<Integer> ranks) {

    /** The voice codecs Patchbay speaks, as written in a=rtpmap. */
    public static final List<String> NAMES = List.of("OPUS", "G722", "PCMU", "PCMA");

    public static final CodecOrder DEFAULT = new CodecOrder(List.of(1, 0, 2, 2));

    public CodecOrder {
        ranks = List.copyOf(ranks);
        if (ranks.size() != NAMES.size() || ranks.stream().allMatch(r -> r < 0)) {
            throw new IllegalArgumentException("a codec order ranks " + NAMES + " and accepts at least one; got " + ranks);
        }
    }

    /**
     * An order from codec names, best first, e.g. {@code [PCMA, G722]}; codecs left out are refused.
     *
     * @throws IllegalArgumentException naming the codec that is unknown or repeated
     */
    public static CodecOrder of(List<String> bestFirst) {
        Integer[] ranks = {-1, -1, -1, -1};
        for (int i = 0; i < bestFirst.size(); i++) {
            String name = bestFirst.get(i).trim().toUpperCase(Locale.ROOT);
            int at = NAMES.indexOf(name);
            if (at < 0) {
                throw new IllegalArgumentException("unknown codec '" + bestFirst.get(i) + "'; Patchbay speaks " + NAMES);
            }
            if (ranks[at] >= 0) {
                throw new IllegalArgumentException("codec " + name + " is listed twice");
            }
            ranks[at] = i;
        }
        return new CodecOrder(List.of(ranks));
    }

    /**
     * The order for a re-INVITE of a call answered with {@code current}: only codecs of its sample
     * rate, since every stage of the call was sized for that rate; a wideband call keeps its codec too,
     * since its send side holds that codec's encoder state.
     */
    public static CodecOrder sameRate(Negotiated current) {
        if (current.audio().isOpus()) {
            return new CodecOrder(List.of(0, -1, -1, -1));
        }
        return current.wideband() ? new CodecOrder(List.of(-1, 0, -1, -1)) : new CodecOrder(List.of(-1, -1, 0, 0));
    }

    /** The rank of {@code f} (lower is better), or -1 when this order does not accept it. */
    int rank(RtpFormat f) {
        if (f.isOpus()) {
            return ranks.get(0);
        }
        for (int i = 1; i < NAMES.size(); i++) {
            if (f.is(NAMES.get(i)) && f.clockRate() == 8000) { // G.722 too: RFC 3551 writes its clock as 8000
                return ranks.get(i);
            }
        }
        return -1;
    }

    /** The codecs accepted, best first, as a trunk setting lists them. */
    public List<String> names() {
        return NAMES.stream().filter(n -> ranks.get(NAMES.indexOf(n)) >= 0)
                .sorted((a, b) -> ranks.get(NAMES.indexOf(a)) - ranks.get(NAMES.indexOf(b))).toList();
    }
}
