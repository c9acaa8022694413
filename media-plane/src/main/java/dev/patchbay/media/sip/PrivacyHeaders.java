package dev.patchbay.media.sip;

import java.text.ParseException;

import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;

import dev.patchbay.proto.media.v1.PlaceCallRequest;

/**
 * The caller identity of a call Patchbay places. With privacy, From is the anonymous URI of RFC 3261
 * section 8.1.1.3 and the real identity travels only in P-Asserted-Identity, with "Privacy: id"
 * asking the trusted network to strip it before the call leaves it (RFC 3325 section 9.3, RFC 3323).
 */
final class PrivacyHeaders {

    static final String ANONYMOUS = "sip:anonymous@anonymous.invalid";

    private PrivacyHeaders() {
    }

    /** The From header: the caller ID with its display name, or Anonymous. */
    static FromHeader from(SipTools sip, PlaceCallRequest r, SipURI fromUri, String tag) throws ParseException {
        Address address;
        if (r.getPrivacy()) {
            address = sip.addresses.createAddress(sip.addresses.createURI(ANONYMOUS));
            address.setDisplayName("Anonymous");
        } else {
            address = sip.addresses.createAddress(fromUri);
            if (!r.getFromDisplay().isEmpty()) {
                address.setDisplayName(r.getFromDisplay());
            }
        }
        return sip.headers.createFromHeader(address, tag);
    }

    /** With privacy, adds P-Asserted-Identity (the real caller ID) and Privacy: id. */
    static void assertIdentity(SipTools sip, PlaceCallRequest r, SipURI fromUri, Request invite) throws ParseException {
        if (!r.getPrivacy()) {
            return;
        }
        Address real = sip.addresses.createAddress(fromUri);
        if (!r.getFromDisplay().isEmpty()) {
            real.setDisplayName(r.getFromDisplay());
        }
        invite.addHeader(sip.headers.createHeader("P-Asserted-Identity", real.toString()));
        invite.addHeader(sip.headers.createHeader("Privacy", "id"));
    }
}
