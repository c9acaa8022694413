package dev.patchbay.media.sip;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import javax.sip.Dialog;

/**
 * The Refer-To of an attended transfer (RFC 3891 section 7, RFC 5589 section 7): the target's contact
 * with an escaped Replaces header naming our dialog with it. The tags are as the target sees them: its
 * own (our remote tag) is the to-tag, ours the from-tag.
 */
final class ReplacesTarget {

    private ReplacesTarget() {
    }

    /** {@code <remote target?Replaces=...>}, or null when the consult dialog is not established. */
    static String of(Dialog consult) {
        if (consult == null || consult.getRemoteTarget() == null || consult.getRemoteTag() == null) {
            return null;
        }
        String replaces = consult.getCallId().getCallId() + ";to-tag=" + consult.getRemoteTag()
                + ";from-tag=" + consult.getLocalTag();
        String contact = consult.getRemoteTarget().getURI().toString();
        int headers = contact.indexOf('?');
        String base = headers < 0 ? contact : contact.substring(0, headers); // the contact's own headers are not ours to send
        return "<" + base + "?Replaces=" + URLEncoder.encode(replaces, StandardCharsets.UTF_8) + ">";
    }
}
