package dev.patchbay.control.model;

import dev.patchbay.proto.media.v1.DtmfMethod;

/**
 * A trunk's {@code dtmf_mode} (V13): how digits sent to its calls reach the far end. The media-plane
 * carries it out; {@link #AUTO} leaves the choice to it (RFC 4733 if negotiated, else in-band tones).
 */
public enum TrunkDtmfMode {
    AUTO(DtmfMethod.DTMF_METHOD_UNSPECIFIED),
    RFC4733(DtmfMethod.DTMF_RFC4733),
    INBAND(DtmfMethod.DTMF_INBAND),
    INFO(DtmfMethod.DTMF_SIP_INFO);

    private final DtmfMethod method;

    TrunkDtmfMode(DtmfMethod method) {
        this.method = method;
    }

    /** What Answer and PlaceCallRequest carry as dtmf_method. */
    public DtmfMethod method() {
        return method;
    }

    /** From the column; null (a row read before V13 ran) is auto. */
    public static TrunkDtmfMode fromColumn(Object value) {
        if (value == null) {
            return AUTO;
        }
        return switch ((String) value) {
            case "auto" -> AUTO;
            case "rfc4733" -> RFC4733;
            case "inband" -> INBAND;
            case "info" -> INFO;
            default -> throw new IllegalStateException("trunks.dtmf_mode '" + value + "' is unknown to this control-plane");
        };
    }
}
