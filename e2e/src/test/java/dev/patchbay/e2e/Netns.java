package dev.patchbay.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux network namespaces a test creates and removes itself (needs root): each namespace and the
 * one veth into the root namespace carry this JVM's pid in their names, so a later run can tell a
 * crashed run's leftovers (their pid is gone) from a run still going on beside it.
 */
final class Netns implements AutoCloseable {

    static final String PREFIX = "pbmh";
    private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)(-\\S+)?");

    private final String run = PREFIX + ProcessHandle.current().pid();
    private final List<String> made = new ArrayList<>();
    private boolean rootLink;

    /** Output of a command that ran to its end. */
    record Result(int exit, String output) {
    }

    Netns() {
        removeStale();
    }

    /** The namespace's full name for {@code role}, e.g. pbmh1234-media-a. */
    String name(String role) {
        return run + "-" + role;
    }

    /** Creates the namespace with its loopback up. */
    String create(String role) {
        String ns = name(role);
        must("ip", "netns", "add", ns);
        made.add(ns);
        must("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * A point-to-point link: {@code leafIf} in {@code leaf} with {@code leafCidr}, {@code routerIf}
     * in {@code router} with {@code routerCidr}. A null leaf means the root namespace.
     */
    void link(String leaf, String leafIf, String leafCidr, String router, String routerIf, String routerCidr) {
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", leafIf));
        if (leaf != null) {
            add.addAll(List.of("netns", leaf));
        } else {
            rootLink = true;
        }
        add.addAll(List.of("type", "veth", "peer", "name", routerIf, "netns", router));
        must(add.toArray(String[]::new));
        must(in(leaf, "ip", "addr", "add", leafCidr, "dev", leafIf));
        must(in(leaf, "ip", "link", "set", leafIf, "up"));
        must(in(router, "ip", "addr", "add", routerCidr, "dev", routerIf));
        must(in(router, "ip", "link", "set", routerIf, "up"));
    }

    /** The interface name of the root namespace's end of the link to the router. */
    String rootIf() {
        return run;
    }

    /** Runs {@code command} in {@code ns} (null: the root namespace) and fails with its output if it fails. */
    String inside(String ns, String... command) {
        return must(in(ns, command));
    }

    /** Feeds {@code ruleset} to nft inside {@code ns}. */
    void nft(String ns, String ruleset) {
        try {
            Path file = Files.createTempFile(run, ".nft");
            Files.writeString(file, ruleset);
            try {
                inside(ns, "nft", "-f", file.toString());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code command} inside {@code ns}; `ip netns exec` execs it, so the pid is the command's own. */
    ProcessBuilder process(String ns, List<String> command) {
        return new ProcessBuilder(in(ns, command.toArray(String[]::new)));
    }

    static String[] in(String ns, String... command) {
        if (ns == null) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    static String must(String... command) {
        Result r = exec(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    static Result exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (" + e.getMessage() + "): install iproute2"
                    + " and nftables (./patchbay test does)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Namespaces and root links of earlier runs whose JVM is gone (a crash, a kill -9 of the build). */
    private void removeStale() {
        for (String ns : exec("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0]).toList()) {
            Matcher m = OURS.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                delete(ns);
            }
        }
        for (String line : exec("ip", "-o", "link", "show").output().lines().toList()) {
            Matcher m = Pattern.compile("^\\d+: (" + PREFIX + "(\\d+))[@:]").matcher(line);
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                exec("ip", "link", "del", m.group(1));
            }
        }
    }

    /** Kills what still runs inside {@code ns} (only what a run of this test started there), then removes it. */
    private static void delete(String ns) {
        for (String pid : exec("ip", "netns", "pids", ns).output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        exec("ip", "netns", "del", ns);
    }

    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            delete(made.get(i));
        }
        if (rootLink) {
            exec("ip", "link", "del", run); // usually gone with the router's end already
        }
    }
}
