package dev.patchbay.admin.tenant;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How digits sent to a call on a trunk reach its far end (trunks.dtmf_mode, V13). */
public enum DtmfMode {
    /** RFC 4733 when the far end negotiated telephone-event, else in-band tones. */
    AUTO("auto"),
    /** RFC 4733 only: a request to a far end without telephone-event is refused, naming this setting. */
    RFC4733("rfc4733"),
    /** Q.23 tones in the audio, even when telephone-event was negotiated. */
    INBAND("inband"),
    /** SIP INFO application/dtmf-relay: only for far ends known to act on it. */
    INFO("info");

    public static final String NAMES = Arrays.stream(values()).map(DtmfMode::wire).collect(Collectors.joining(", "));

    private final String wire;

    DtmfMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<DtmfMode> fromWire(String text) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(text)).findFirst();
    }
}
