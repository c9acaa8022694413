package dev.patchbay.metrics.quality;

/**
 * Estimates MOS from loss, jitter and delay with the ITU-T G.107 E-model, reduced the usual way
 * for G.711 (Ie = 0, Bpl = 25.1 with packet-loss concealment, random loss) and with jitter
 * folded into the effective one-way delay as twice its value plus 10 ms of decoding, the
 * simplification VoIP monitors commonly use.
 */
public final class EModel {

    private static final double R0 = 93.2;
    private static final double BPL_G711 = 25.1;

    private EModel() {
    }

    /**
     * @param lossFraction packets lost over packets expected, 0..1
     * @param jitterMs     RFC 3550 interarrival jitter
     * @param delayMs      one-way delay before jitter (packetisation, buffering, network as known)
     */
    public static double mos(double lossFraction, double jitterMs, double delayMs) {
        return mosOf(rFactor(lossFraction, jitterMs, delayMs));
    }

    public static double rFactor(double lossFraction, double jitterMs, double delayMs) {
        double d = delayMs + 2 * jitterMs + 10;
        double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
        double ppl = Math.max(0, Math.min(1, lossFraction)) * 100;
        double ieEff = 95 * ppl / (ppl + BPL_G711);
        return R0 - id - ieEff;
    }

    /** G.107 Annex B: R to MOS. */
    public static double mosOf(double r) {
        if (r <= 0) {
            return 1.0;
        }
        if (r >= 100) {
            return 4.5;
        }
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
    }
}
