package dev.patchbay.bench;

import java.util.List;

/** The headline's call set-up table: the rate ramp on warm processes, then each cold start. */
final class SetupTable {

    private SetupTable() {
    }

    static String markdown(List<SetupRate.Result> rates, List<ColdStart.Result> coldStarts) {
        StringBuilder md = new StringBuilder("\n## Call set-up (SIPp uac, no media, DID echo)\n\n")
                .append("A rate holds with zero failed calls and p95 INVITE-to-200 at most 50 ms (SIPp's response time, one sample")
                .append(" per answered call). A cold start calls from the moment freshly started processes log ready, on their own")
                .append(" database, and holds with zero failed calls. The load average is the machine's as the rate finished:")
                .append(" on 2 cores, anything above 2 means the processes waited for a core.\n\n")
                .append(SetupRate.Result.HEADER);
        rates.forEach(r -> md.append(r.row()).append('\n'));
        coldStarts.forEach(c -> md.append(c.row()).append('\n'));
        md.append('\n').append(Report.rateLine(rates)).append('\n');
        coldStarts.forEach(c -> md.append('\n').append(c.line()).append('\n'));
        return md.toString();
    }
}
