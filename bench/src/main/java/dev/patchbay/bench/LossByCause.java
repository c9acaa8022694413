package dev.patchbay.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each step's loss taken apart by cause (issue 17 §3), from real counters: the generator's own
 * accounting of the window's packets (echo never came back; came back more than 250 ms after its
 * send) and, for Patchbay's targets, the media-plane's counters over the step's calls (frames the
 * jitter buffer concealed, bot frames trimmed from a standing backlog, frames dropped at a full queue).
 * A repeated step replaces the first try, as in the step tables.
 */
final class LossByCause {

    /** One step's counts: the generator's window, and the media-plane's counters (null for a reference). */
    private record Row(int calls, int ptimeMs, RtpPacer.Window window, MediaCounters.Counts media) {
    }

    private final Map<String, List<Row>> byTarget = new LinkedHashMap<>();

    void record(String target, int calls, int ptimeMs, RtpPacer.Window window, MediaCounters.Counts media) {
        List<Row> rows = byTarget.computeIfAbsent(target, t -> new ArrayList<>());
        rows.removeIf(r -> r.calls() == calls);
        rows.add(new Row(calls, ptimeMs, window, media));
    }

    /** The markdown section, placed after the step tables. */
    String section() {
        StringBuilder md = new StringBuilder("\n### Loss by cause\n\n")
                .append("The loss of each step above, by cause. *Not received* and *late* are the generator's own count of the ")
                .append("window's packets (% of packets sent): no echo at all, or an echo more than 250 ms after its packet, ")
                .append("which is as lost to a caller (so loss % = not received + late). The other columns are the media-plane's ")
                .append("counters (`/metrics`, added at each call's end) over the step's calls' whole life, warm-up and grace ")
                .append("included: frames the jitter buffer concealed for missing caller audio and caller frames dropped at a full ")
                .append("uplink (% of caller frames in), bot frames trimmed from a standing backlog or dropped at a full playout ")
                .append("queue (% of packets out). A concealed frame goes to the bot without its tag, so it also shows as not ")
                .append("received. The references have no such counters (—). Count in brackets.\n\n")
                .append("| target | calls | packets sent | loss % | not received % | late > 250 ms % | concealed by the jitter buffer % ")
                .append("| trimmed from a backlog % | dropped at a full queue, to caller % | dropped at a full queue, to bot % |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byTarget.forEach((target, rows) -> rows.forEach(r -> md.append(row(target, r))));
        return md.toString();
    }

    private static String row(String target, Row r) {
        RtpPacer.Window w = r.window();
        StringBuilder md = new StringBuilder(Report.f("| %s | %d | %d | %.3f | %s | %s", target, r.calls(), w.sent(), w.lossPercent(),
                share(w.notReceived(), w.sent()), share(w.late(), w.sent())));
        MediaCounters.Counts m = r.media();
        if (m == null) {
            md.append(" | — | — | — | — |\n");
        } else {
            double framesIn = m.packetsIn() * r.ptimeMs() / 20.0;
            md.append(" | ").append(share(m.concealed(), framesIn)).append(" | ").append(share(m.trimmed(), m.packetsOut()))
                    .append(" | ").append(share(m.fullToCaller(), m.packetsOut())).append(" | ").append(share(m.fullToBot(), framesIn))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String share(double count, double of) {
        return of <= 0 ? Report.f("n/a (%.0f)", count) : Report.f("%.3f (%.0f)", 100 * count / of, count);
    }
}
