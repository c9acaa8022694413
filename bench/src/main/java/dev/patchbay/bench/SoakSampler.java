package dev.patchbay.bench;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Takes the soak's samples: per process (by pid) the heap after a full GC (jcmd), RSS, threads, open
 * descriptors and bound UDP ports ({@code /proc}) and database connections (pg_stat_activity by
 * ApplicationName {@code patchbay-<app>}); and the workspace's live rows. A metric that cannot be read
 * is -1 and logged, so that one failed jcmd does not end an hour's run.
 */
final class SoakSampler {

    private static final Logger LOG = Logger.getLogger(SoakSampler.class.getName());

    private final SoakDb db;
    private final List<ProcessMeter> meters = new ArrayList<>();
    private final List<String> apps;
    private final List<SoakSample> samples = new ArrayList<>();

    SoakSampler(SoakDb db, List<Long> pids, List<String> apps, String jcmd) {
        this.db = db;
        this.apps = List.copyOf(apps);
        for (long pid : pids) {
            meters.add(new ProcessMeter(pid, jcmd, 100));
        }
    }

    /**
     * Samples now, the processes in parallel (a jcmd on a loaded machine takes seconds); a sample of minute 0
     * or later is kept for the verdict.
     */
    SoakSample sample(int minute, double elapsedMinutes, ChurnLoad.Counts load) throws InterruptedException {
        Map<String, Long> connections = read("pg_stat_activity", Map.of(), db::connections);
        Map<String, Map<String, Long>> processes = new LinkedHashMap<>();
        List<Future<Map<String, Long>>> measured = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(meters.size())) {
            for (int i = 0; i < meters.size(); i++) {
                ProcessMeter m = meters.get(i);
                long dbConnections = connections.getOrDefault("patchbay-" + apps.get(i), 0L);
                measured.add(pool.submit(() -> measure(m, dbConnections)));
            }
        }
        for (int i = 0; i < meters.size(); i++) {
            try {
                processes.put(apps.get(i), measured.get(i).get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("measuring " + apps.get(i) + " failed unexpectedly", e.getCause());
            }
        }
        Map<String, Long> tables = new LinkedHashMap<>();
        long liveRows = read("live calls", -1L, db::liveCalls);
        tables.put("live_call_rows", liveRows);
        // Rows follow the calls up, which a loaded machine reaches late: the excess is what must stay flat.
        tables.put("live_rows_over_calls_up", liveRows < 0 ? -1 : Math.max(0, liveRows - load.live()));
        tables.put("pending_outbox_rows", read("pending outbox", -1L, db::pendingOutbox));
        SoakSample s = new SoakSample(minute, elapsedMinutes, Instant.now(), processes, tables, load, Machine.loadAverage());
        if (minute >= 0) {
            samples.add(s);
        }
        return s;
    }

    List<SoakSample> samples() {
        return List.copyOf(samples);
    }

    /** One process's metrics, keyed as {@link Soak#PROCESS_METRICS}. */
    static Map<String, Long> measure(ProcessMeter m, long dbConnections) throws InterruptedException {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put("heap_kb", read("heap", -1L, m::heapAfterGcKb));
        v.put("rss_kb", read("RSS", -1L, m::rssKb));
        v.put("threads", read("threads", -1L, m::threads));
        v.put("fds", read("fds", -1L, m::openFds));
        v.put("udp_ports", read("UDP ports", -1L, m::udpPorts));
        v.put("db_connections", dbConnections);
        return v;
    }

    private interface Reading<T> {
        T get() throws IOException, SQLException, InterruptedException;
    }

    private static <T> T read(String what, T unknown, Reading<T> reading) throws InterruptedException {
        try {
            return reading.get();
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warning(() -> "could not read " + what + ": " + e);
            return unknown;
        }
    }
}
