package dev.patchbay.control.media;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The media-plane nodes this replica talks to. */
public final class MediaNodes {

    private final List<MediaNodeLink> links;
    private final AtomicInteger next = new AtomicInteger();

    public MediaNodes(List<MediaNodeLink> links) {
        this.links = List.copyOf(links);
    }

    public List<MediaNodeLink> all() {
        return links;
    }

    /** The link to the node a call lives on, by the address its record names. */
    public Optional<MediaNodeLink> byNode(String node) {
        return links.stream().filter(l -> l.node().equals(node)).findFirst();
    }

    /** A connected node for a new outbound call, taking turns so calls spread across nodes. */
    public Optional<MediaNodeLink> pick() {
        int n = links.size();
        int start = Math.floorMod(next.getAndIncrement(), Math.max(1, n));
        for (int i = 0; i < n; i++) {
            MediaNodeLink link = links.get((start + i) % n);
            if (link.connected()) {
                return Optional.of(link);
            }
        }
        return Optional.empty();
    }
}
