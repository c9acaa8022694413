package dev.patchbay.control.trunk;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

import dev.patchbay.control.model.Route;
import dev.patchbay.control.model.TrunkDtmfMode;
import dev.patchbay.control.model.TrunkMedia;
import dev.patchbay.control.net.Cidrs;
import dev.patchbay.control.store.InboundTrunks;
import dev.patchbay.proto.media.v1.CallOffered;
import dev.patchbay.proto.media.v1.SipHeader;
import dev.patchbay.schema.SecretBox;
import io.helidon.dbclient.DbClient;

/**
 * Who may call a workspace (issue 6 "SIP-side security", issue 5 "ASAPP SIP auth"). A workspace with no
 * inbound trunk takes INVITEs from anywhere, as before V8 (the local demo's {@code echo} DID relies on
 * it). One with inbound trunks takes an INVITE when a trunk lists its source and allows its transport,
 * or when it carries that trunk's digest credentials (RFC 8760: SHA-256 or MD5). Otherwise:
 * <ul>
 *   <li>no Authorization and a trunk with credentials: 401 with one challenge per algorithm;</li>
 *   <li>valid credentials on an expired nonce: 401 again with {@code stale=true};</li>
 *   <li>anything else: 403 whose Reason names the source, transport or credentials at fault.</li>
 * </ul>
 * Trunks are read per INVITE, so a change applies to the next one.
 */
public final class TrunkGuard {

    private static final Logger LOG = Logger.getLogger(TrunkGuard.class.getName());

    /** The outcome for one INVITE. */
    public sealed interface Verdict {
        /** Let the call through; {@code how} goes into the call's event log; the trunk's DTMF mode goes with it. */
        record Admit(String how, TrunkMedia trunkMedia) implements Verdict {
            public TrunkDtmfMode dtmfMode() {
                return trunkMedia.dtmfMode();
            }
        }

        record Refuse(Route.Reject reject) implements Verdict { }

        /** The workspace has no inbound trunk, so nothing restricts who may call it. */
        record Open() implements Verdict { }
    }

    private final InboundTrunks trunks;
    private final SecretBox secrets;
    private final Nonces nonces;
    private final String realm;
    private final List<SipDigest.Algorithm> algorithms;

    public TrunkGuard(InboundTrunks trunks, SecretBox secrets, Nonces nonces, String realm,
                      List<SipDigest.Algorithm> algorithms) {
        this.trunks = trunks;
        this.secrets = secrets;
        this.nonces = nonces;
        this.realm = realm;
        this.algorithms = List.copyOf(algorithms);
    }

    /** Reads trunks from {@code db}; nonces are keyed from {@code secrets}, so every replica accepts each other's. */
    public static TrunkGuard create(DbClient db, SecretBox secrets, SipAuthConfig config,
                                    Clock clock) {
        return new TrunkGuard(new InboundTrunks(db), secrets,
                new Nonces(secrets.derive("sip-digest-nonce"), config.nonceTtl(), clock), config.realm(), config.algorithms());
    }

    public Verdict check(CallOffered offer, String workspaceId) {
        List<InboundTrunks.Trunk> all = trunks.of(workspaceId);
        if (all.isEmpty()) {
            return new Verdict.Open();
        }
        String ip = offer.getSource().getIp();
        String transport = offer.getTransport().name().toLowerCase(Locale.ROOT);
        InboundTrunks.Trunk listed = null;
        for (InboundTrunks.Trunk t : all) {
            if (Cidrs.contains(t.cidrs(), ip)) {
                if (t.allows(transport)) {
                    return new Verdict.Admit("inbound trunk " + t.id() + ": source " + ip + " over " + transport, t.media());
                }
                listed = t;
            }
        }
        List<InboundTrunks.Trunk> digest = all.stream().filter(t -> t.hasDigest() && t.allows(transport)).toList();
        if (digest.isEmpty()) {
            return refuse(listed != null
                    ? "transport " + transport + " is not allowed on inbound trunk " + listed.id() + " (" + listed.transportRule() + ")"
                    : "source " + ip + " is not allowed to call workspace " + workspaceId
                            + "; add it to an inbound trunk's allowed_cidrs or use digest credentials", workspaceId);
        }
        return byDigest(offer, workspaceId, ip, digest);
    }

    private Verdict byDigest(CallOffered offer, String workspaceId, String ip, List<InboundTrunks.Trunk> digest) {
        List<SipDigest.Credentials> presented = new ArrayList<>();
        for (SipHeader h : offer.getHeadersList()) {
            if (h.getName().equalsIgnoreCase("Authorization")) {
                SipDigest.parse(h.getValue()).filter(c -> c.realm().equals(realm) && algorithms.contains(c.algorithm()))
                        .ifPresent(presented::add);
            }
        }
        if (presented.isEmpty()) {
            return challenge(false, "source " + ip + " is not on an inbound trunk's allow-list; authenticate with the"
                    + " trunk's digest credentials", workspaceId);
        }
        boolean stale = false;
        for (SipDigest.Credentials c : presented) {
            Nonces.Check nonce = nonces.check(c.nonce());
            if (nonce == Nonces.Check.FORGED || !sameUri(c.uri(), offer.getRequestUri())) {
                continue;
            }
            Optional<InboundTrunks.Trunk> match = digest.stream()
                    .filter(t -> t.username().equals(c.username()) && passwordMatches(t, c)).findFirst();
            if (match.isPresent() && nonce == Nonces.Check.FRESH) {
                return new Verdict.Admit("inbound trunk " + match.get().id() + ": digest " + c.algorithm().wire()
                        + " as " + c.username(), match.get().media());
            }
            stale |= match.isPresent();
        }
        if (stale) {
            return challenge(true, "the digest nonce expired; retry with the new one", workspaceId);
        }
        return refuse("digest credentials do not match any inbound trunk of workspace " + workspaceId
                + "; check the trunk's username and password", workspaceId);
    }

    private boolean passwordMatches(InboundTrunks.Trunk t, SipDigest.Credentials c) {
        String password;
        try {
            password = secrets.open(t.passwordEnc());
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "inbound trunk " + t.id() + ": cannot open its password (" + e.getMessage() + ")");
            return false;
        }
        return SipDigest.matches(c, password, "INVITE");
    }

    /**
     * The uri parameter must name the request it signs, so that a captured header does not open calls to
     * other numbers. The Request-URI's bare host:port is accepted too: SIPp 3.6 and some PBXs sign that.
     */
    static boolean sameUri(String signed, String requestUri) {
        String s = signed.strip();
        String r = requestUri.strip();
        if (s.equalsIgnoreCase(r)) {
            return true;
        }
        int at = r.indexOf('@');
        int colon = r.indexOf(':');
        if (at < 0 || colon < 0 || colon > at) {
            return false;
        }
        String hostPort = r.substring(at + 1).replaceFirst("[;?>].*$", "");
        return s.equalsIgnoreCase(r.substring(0, colon + 1) + hostPort);
    }

    private Verdict challenge(boolean stale, String reason, String workspaceId) {
        String nonce = nonces.issue();
        List<Route.Header> headers = new ArrayList<>();
        for (SipDigest.Algorithm a : algorithms) {
            headers.add(new Route.Header("WWW-Authenticate", "Digest realm=\"" + realm + "\", nonce=\"" + nonce
                    + "\", qop=\"auth\", algorithm=" + a.wire() + (stale ? ", stale=true" : "")));
        }
        return new Verdict.Refuse(new Route.Reject(401, reason, workspaceId, headers));
    }

    private static Verdict refuse(String reason, String workspaceId) {
        return new Verdict.Refuse(new Route.Reject(403, reason, workspaceId));
    }
}
