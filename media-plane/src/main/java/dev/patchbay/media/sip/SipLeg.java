package dev.patchbay.media.sip;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;

import dev.patchbay.media.sdp.CodecOrder;
import dev.patchbay.media.sdp.SdesOffer;

/**
 * The SIP side of one call: for an inbound call its INVITE server transaction and our To tag; for
 * an outbound one the INVITE we sent and its client transaction. Both have our Contact and, once
 * answered, the dialog.
 */
final class SipLeg {

    final ServerTransaction inviteTransaction;
    /** The pending outbound INVITE, or null for an inbound call. */
    volatile ClientTransaction outboundTransaction;
    /** Outbound: a final response has arrived, so there is nothing left to CANCEL. */
    volatile boolean finalReceived;
    /** Outbound: credentials were already offered once; a second challenge is a refusal. */
    volatile boolean authenticated;
    final Request invite;
    final String toTag;
    final ContactHeader contact;
    volatile Dialog dialog;
    volatile String answerSdp;
    /** Our SDES key on a call placed over TLS, else null. */
    volatile SdesOffer srtpOffer;
    /** The codecs our INVITE offered (its trunk's order); an answer may pick only from them. */
    volatile CodecOrder offeredCodecs = CodecOrder.DEFAULT;
    /** The negotiated RFC 4028 interval in seconds, or 0 without session timers. */
    volatile int sessionExpires;
    /** A re-INVITE of ours is waiting for its final response; a second one would be a 491 (RFC 3261 14.1). */
    final AtomicBoolean reinviting = new AtomicBoolean();
    /** The far end's last offer held us (sendonly or inactive); our own hold then offers inactive (RFC 6337 5.3). */
    volatile boolean farEndHolds;
    /** Our offer sent in a 200 OK (late offer), whose answer the ACK of that INVITE must carry; else null. */
    final AtomicReference<LateOffer.Pending> awaitingAnswer =
            new AtomicReference<>();
    /** A reliable 18x awaits its PRACK (RFC 3262); guarded by this leg's lock. */
    boolean prackPending;
    /** The 200 OK held until that PRACK; guarded by this leg's lock. */
    Runnable afterPrack;

    SipLeg(ServerTransaction inviteTransaction, Request invite, String toTag, ContactHeader contact) {
        this.inviteTransaction = inviteTransaction;
        this.invite = invite;
        this.toTag = toTag;
        this.contact = contact;
    }

    boolean outbound() {
        return inviteTransaction == null;
    }
}
