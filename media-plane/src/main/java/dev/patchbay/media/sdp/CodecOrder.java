package dev.patchbay.media.sdp;

import java.util.List;
import java.util.Locale;

/**
 * Which voice codecs an answer may take, best first. The answer takes the offered codec ranked
 * highest here; codecs of equal rank go by the caller's order. The default is Opus, then G.722, then
 * G.711 with PCMU against PCMA left to the caller: both wideband codecs give the bot the same 16 kHz
 * (speech recognisers do measurably better on it), and Opus adds in-band FEC and a real loss
 * concealment, which matter on the internet paths Opus callers come over (WebRTC gateways,
 * softphones), at a third of G.722's bandwidth. Its price is CPU (docs/benchmarks.md); a trunk that
 * would rather save it ranks G.722 first.
 *
 * @param ranks per codec, in {@link #NAMES} order: its rank (lower is better), or -1 when not accepted
 */
public record CodecOrder(List<Integer> ranks) {

    /** The voice codecs Patchbay speaks, as written in a=rtpmap. */
    public static final List<String> NAMES = List.of("OPUS", "G722", "PCMU", "PCMA");

    public static final CodecOrder DEFAULT = new CodecOrder(List.of(0, 1, 2, 2));

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
