package dev.patchbay.bench;

import java.util.List;
import java.util.Optional;

/**
 * The headline's call set-up table: the rate ramp on warm processes, each rate followed by SIPp's
 * own uas at that rate (the same-run reference), then each cold start.
 */
final class SetupTable {

    private SetupTable() {
    }

    static String markdown(List<SetupRate.Result> rates, List<SetupRate.Result> references, List<ColdStart.Result> coldStarts) {
        StringBuilder md = new StringBuilder("\n## Call set-up (SIPp uac, no media, DID echo)\n\n")
                .append("A rate holds with zero failed calls and p95 INVITE-to-200 at most 50 ms (SIPp's response time, one sample")
                .append(" per answered call). Each rate is followed by the same SIPp uac against SIPp's own uas, the same-run")
                .append(" reference. A cold start calls from the moment freshly started processes log ready, on their own")
                .append(" database, and holds with zero failed calls. The load average is the machine's as the rate finished:")
                .append(" on 2 cores, anything above 2 means the processes waited for a core.\n\n")
                .append(SetupRate.Result.HEADER);
        for (SetupRate.Result r : rates) {
            md.append(r.row()).append('\n');
            // The reference has no p95 limit: "yes" says every call was answered.
            reference(references, r.rate()).ifPresent(ref -> md.append(
                    ref.row(ref.rate() + " SIPp uas (reference)", ref.answered() >= ref.calls())).append('\n'));
        }
        coldStarts.forEach(c -> md.append(c.row()).append('\n'));
        md.append('\n').append(Report.rateLine(rates)).append('\n');
        for (SetupRate.Result r : rates) {
            reference(references, r.rate()).ifPresent(ref -> md.append("\n- ").append(r.rate()).append(" calls/s: p50 ")
                    .append(SetupRate.ratio(r.p50Ms(), ref.p50Ms())).append(", p95 ").append(SetupRate.ratio(r.p95Ms(), ref.p95Ms()))
                    .append(", p99 ").append(SetupRate.ratio(r.p99Ms(), ref.p99Ms())).append(" SIPp uas's"));
        }
        coldStarts.forEach(c -> md.append("\n\n").append(c.line()));
        return md.append('\n').toString();
    }

    private static Optional<SetupRate.Result> reference(List<SetupRate.Result> references, int rate) {
        return references.stream().filter(ref -> ref.rate() == rate).findFirst();
    }
}
