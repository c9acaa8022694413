package dev.patchbay.control.model;

import java.util.ArrayList;
import java.util.List;

import dev.patchbay.proto.media.v1.SipHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds a call's record keeps an INVITE's headers within. */
class InviteHeadersTest {

    @Test
    void aCarriersSeventyHeadersKeepTheFirstSixtyFourInOrderAndCountTheRest() {
        List<SipHeader> invite = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            invite.add(header("X-H" + i, "v" + i));
        }
        InviteHeaders h = InviteHeaders.of(invite);
        assertEquals(InviteHeaders.COUNT_MAX, h.headers().size());
        assertEquals("X-H63", h.headers().get(63).name());
        assertEquals(6, h.omitted());
    }

    @Test
    void theTotalIsCappedAndNothingAfterTheFirstHeaderPastItIsKept() {
        List<SipHeader> invite = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            invite.add(header("X-Big" + i, "z".repeat(InviteHeaders.VALUE_MAX))); // 2048 + 6 characters each
        }
        invite.add(header("X-Small", "1"));
        InviteHeaders h = InviteHeaders.of(invite);
        assertEquals(7, h.headers().size(), "7 x 2054 fit in 16384, the 8th does not");
        assertEquals(4, h.omitted(), "the small one after the cut is left out too, so what is kept is the INVITE's start");
        assertTrue(h.headers().stream().mapToInt(x -> x.name().length() + x.value().length()).sum() <= InviteHeaders.TOTAL_MAX);
    }

    @Test
    void credentialsAreDroppedWhateverTheirCaseAndAreNotCountedAsOmitted() {
        InviteHeaders h = InviteHeaders.of(List.of(header("PROXY-AUTHORIZATION", "Digest response=\"x\""),
                header("Authorization", "Digest response=\"y\""), header("User-Agent", "ua")));
        assertEquals(List.of(new InviteHeaders.Header("User-Agent", "ua", false)), h.headers());
        assertEquals(0, h.omitted());
        assertFalse(h.json().contains("Digest"), h.json());
    }

    @Test
    void theDocumentReadsBackAsWritten() {
        InviteHeaders h = InviteHeaders.of(List.of(header("X-Quote", "a \"b\" \\ c"), header("X-Long", "q".repeat(5000))));
        assertEquals(h, InviteHeaders.fromJson(h.json()));
        assertTrue(InviteHeaders.fromJson(h.json()).headers().get(1).truncated());
    }

    private static SipHeader header(String name, String value) {
        return SipHeader.newBuilder().setName(name).setValue(value).build();
    }
}
