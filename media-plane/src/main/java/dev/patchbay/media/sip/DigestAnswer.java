package dev.patchbay.media.sip;

import java.text.ParseException;
import java.util.Locale;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A request sent again with credentials for a 401/407 challenge (RFC 3261 section 22.2): the next
 * CSeq, a new branch, and an Authorization or Proxy-Authorization header with the {@link Digest}
 * response. Used by outbound INVITEs and by the REGISTER client.
 */
final class DigestAnswer {

    private DigestAnswer() {
    }

    /**
     * @param cnonce a fresh client nonce, used when the challenge offers qop=auth
     * @throws SipException when the challenge is missing or names an algorithm other than MD5 or SHA-256
     */
    static Request answer(SipTools sip, Request previous, Response challenge, String username, String password,
                          String cnonce) throws ParseException, InvalidArgumentException, SipException {
        boolean proxy = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
        WWWAuthenticateHeader asked = (WWWAuthenticateHeader) challenge.getHeader(proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
        if (asked == null) {
            throw new SipException("the " + challenge.getStatusCode() + " carries no challenge");
        }
        Digest.Challenge c = new Digest.Challenge(asked.getRealm(), asked.getNonce(), asked.getAlgorithm(), asked.getQop(), asked.getOpaque());
        Request next = (Request) previous.clone();
        CSeqHeader cseq = (CSeqHeader) next.getHeader(CSeqHeader.NAME);
        cseq.setSeqNumber(cseq.getSeqNumber() + 1);
        ((ViaHeader) next.getHeader(ViaHeader.NAME)).removeParameter("branch");
        String uri = next.getRequestURI().toString();
        String response = Digest.response(c, username, password, next.getMethod(), uri, cnonce, "00000001");
        if (response == null) {
            throw new SipException("the far end asks for digest algorithm " + c.algorithm() + "; Patchbay speaks MD5 and SHA-256");
        }
        AuthorizationHeader auth = proxy ? sip.headers.createProxyAuthorizationHeader("Digest")
                : sip.headers.createAuthorizationHeader("Digest");
        auth.setUsername(username);
        auth.setRealm(c.realm());
        auth.setNonce(c.nonce());
        auth.setURI(next.getRequestURI());
        auth.setResponse(response);
        auth.setAlgorithm(c.algorithm() == null || c.algorithm().isEmpty() ? "MD5" : c.algorithm().toUpperCase(Locale.ROOT));
        if (c.opaque() != null) {
            auth.setOpaque(c.opaque());
        }
        if (Digest.auth(c.qop())) {
            auth.setQop("auth");
            auth.setCNonce(cnonce);
            auth.setNonceCount(1);
        }
        next.setHeader(auth);
        return next;
    }
}
