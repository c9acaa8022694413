package dev.patchbay.agents.auth;

import java.util.List;
import java.util.stream.Stream;

import dev.patchbay.control.net.Cidrs;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The address a request comes from, for the IP allow-list. {@code X-Forwarded-For} is believed only
 * when the peer is one of {@code patchbay.agents.trusted-proxies}: then the client is the rightmost
 * address in it that is not itself a trusted proxy (each proxy appends the address it saw, so entries
 * left of an untrusted hop may be forged). From any other peer the header is ignored.
 */
public final class ClientAddress {

    public static final String KEY = "patchbay.agents.trusted-proxies";

    private final List<String> trusted;

    public ClientAddress(List<String> trusted) {
        for (String cidr : trusted) {
            Cidrs.problem(cidr).ifPresent(why -> {
                throw new IllegalArgumentException(KEY + ": '" + cidr + "' " + why + "; list proxies as addresses or CIDR networks");
            });
        }
        this.trusted = List.copyOf(trusted);
    }

    public static ClientAddress from(Config root) {
        // Comma-separated, as environment variables carry it (PATCHBAY_AGENTS_TRUSTED_DASH_PROXIES).
        return new ClientAddress(Stream.of(root.get(KEY).asString().get().split(",")).map(String::strip)
                .filter(c -> !c.isEmpty()).toList());
    }

    public String of(ServerRequest req) {
        String peer = req.remotePeer().host();
        if (!Cidrs.contains(trusted, peer)) {
            return peer;
        }
        List<String> hops = req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of).stream()
                .flatMap(v -> List.of(v.split(",")).stream()).map(String::strip).filter(h -> !h.isEmpty()).toList();
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            client = hops.get(i);
            if (!Cidrs.contains(trusted, client)) {
                break;
            }
        }
        return client;
    }
}
