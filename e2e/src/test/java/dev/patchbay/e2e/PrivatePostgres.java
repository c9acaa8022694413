package dev.patchbay.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.patchbay.media.testutil.Ports;
import dev.patchbay.schema.DbSettings;

/**
 * A PostgreSQL 15 of the test's own, in a temp directory on a free port, that the test may stop and
 * start: the shared one on 5432 serves every other test and is never restarted. initdb refuses
 * root, so as root the server runs as the {@code postgres} user (runuser), which owns the directory.
 */
final class PrivatePostgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String USER = "postgres";

    final Path dir;
    final int port;
    private boolean running;

    PrivatePostgres() throws IOException {
        if (!Files.isExecutable(BIN.resolve("pg_ctl"))) {
            throw new IllegalStateException(BIN + "/pg_ctl is missing: install postgresql-15 (./patchbay setup does)");
        }
        dir = Files.createTempDirectory("patchbay-pg");
        port = Ports.freeUdpAndTcp();
        try {
            if (root()) {
                Netns.must("chown", USER, dir.toString());
            }
            pg("initdb", "-D", data(), "-A", "trust", "-U", USER, "--no-sync", "-E", "UTF8");
            start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    DbSettings settings() {
        return new DbSettings(url(), USER, "");
    }

    void start() {
        pg("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        running = true;
    }

    /** A restart's first half: "fast" ends every session, as an operator's restart or a failover does. */
    void stop() {
        pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
    }

    /** Rows of {@code query}, each as its columns in order, as strings. */
    List<List<String>> rows(String query) {
        try (Connection c = DriverManager.getConnection(url(), USER, "");
             Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(query)) {
            List<List<String>> out = new ArrayList<>();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.add(r.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + query, e);
        }
    }

    void sql(String... statements) {
        try (Connection c = DriverManager.getConnection(url(), USER, ""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private static boolean root() {
        return ProcessHandle.current().info().user().map("root"::equals).orElse(false);
    }

    private static void pg(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (root()) {
            command.addAll(List.of("runuser", "-u", USER, "--"));
        }
        command.add(BIN.resolve(tool).toString());
        command.addAll(List.of(args));
        Netns.must(command.toArray(String[]::new));
    }

    @Override
    public void close() {
        try {
            if (running) {
                pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new IllegalStateException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
