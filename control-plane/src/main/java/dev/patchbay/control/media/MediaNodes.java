package dev.patchbay.control.media;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The media-plane nodes this replica talks to: the static {@code patchbay.control.media.nodes}
 * list, plus the live rows of {@code media_nodes} as discovery last read them. A node that appears
 * gets a link at once; one whose row lapses or goes is closed and forgotten (static ones stay).
 */
public final class MediaNodes {

    private static final Logger LOG = Logger.getLogger(MediaNodes.class.getName());

    /** A link and what the registry says of its node (null for a static node that does not register). */
    private record Entry(MediaNodeLink link, boolean fixed, NodeInfo info, AtomicInteger placed) { }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile List<MediaNodeLink> links;

    /** The static list; they are never dropped. */
    public MediaNodes(List<MediaNodeLink> fixed) {
        for (MediaNodeLink link : fixed) {
            entries.put(link.node(), new Entry(link, true, null, new AtomicInteger()));
        }
        links = List.copyOf(fixed);
    }

    public List<MediaNodeLink> all() {
        return links;
    }

    /** The link to the node a call lives on, by the address its record names. */
    public Optional<MediaNodeLink> byNode(String node) {
        Entry e = entries.get(node);
        return Optional.ofNullable(e == null ? null : e.link());
    }

    /** The registry's view of a node, if it registers. */
    public Optional<NodeInfo> info(String node) {
        Entry e = entries.get(node);
        return Optional.ofNullable(e == null ? null : e.info());
    }

    /**
     * Brings the set in line with the live rows: new nodes get a link from {@code connect} (already
     * connecting), known ones their fresh load, vanished registered ones are closed. Called by one
     * thread, the discovery poll.
     */
    public void sync(List<NodeInfo> live, Function<String, MediaNodeLink> connect) {
        Map<String, NodeInfo> byAddress = new HashMap<>();
        live.forEach(n -> byAddress.put(n.grpcAddress(), n));
        for (NodeInfo n : byAddress.values()) {
            // A fresh row counts its own calls: the picks made since the last one are in it now.
            entries.compute(n.grpcAddress(), (address, e) -> e == null
                    ? new Entry(connect.apply(address), false, n, new AtomicInteger())
                    : new Entry(e.link(), e.fixed(), n, new AtomicInteger()));
        }
        Set<String> gone = new HashSet<>(entries.keySet());
        gone.removeAll(byAddress.keySet());
        for (String address : gone) {
            Entry e = entries.get(address);
            if (e.fixed()) {
                if (e.info() != null) {
                    entries.put(address, new Entry(e.link(), true, null, new AtomicInteger()));
                }
                continue;
            }
            entries.remove(address);
            LOG.info(() -> "media node " + address + " left the registry (drained, or its heartbeat lapsed); disconnecting");
            e.link().close();
        }
        links = entries.values().stream().map(Entry::link).toList();
    }

    /**
     * A node for a new outbound call: the least-loaded connected {@code active} node below its
     * capacity (load counts this replica's picks since the row was read, so a burst spreads out);
     * never a draining one. Static nodes that do not register take turns, and only when no
     * registered node can take the call.
     */
    public Optional<MediaNodeLink> pick() {
        Optional<Entry> best = entries.values().stream()
                .filter(e -> e.info() != null && e.info().active() && e.link().connected()
                        && load(e) < e.info().capacity())
                .min(Comparator.comparingDouble((Entry e) -> (double) load(e) / Math.max(1, e.info().capacity()))
                        .thenComparingInt(MediaNodes::load)
                        .thenComparing(e -> e.info().nodeId()));
        if (best.isPresent()) {
            best.get().placed().incrementAndGet();
            return Optional.of(best.get().link());
        }
        List<MediaNodeLink> unregistered = entries.values().stream()
                .filter(e -> e.info() == null && e.link().connected()).map(Entry::link)
                .sorted(Comparator.comparing(MediaNodeLink::node)).toList();
        if (unregistered.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(unregistered.get(Math.floorMod(next.getAndIncrement(), unregistered.size())));
    }

    private static int load(Entry e) {
        return e.info().currentCalls() + e.placed().get();
    }

    public void closeAll() {
        entries.values().forEach(e -> e.link().close());
    }
}
