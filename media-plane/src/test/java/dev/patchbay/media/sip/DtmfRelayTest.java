package dev.patchbay.media.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DtmfRelayTest {

    @Test
    void readsTheBodiesGatewaysSend() {
        assertEquals(new DtmfRelay.Key('5', 160), DtmfRelay.parse("dtmf-relay", "Signal=5\r\nDuration=160\r\n"));
        assertEquals(new DtmfRelay.Key('#', 250), DtmfRelay.parse("dtmf-relay", "Signal= #\nDuration= 250"));
        assertEquals(new DtmfRelay.Key('*', 0), DtmfRelay.parse("dtmf-relay", "Signal=10"));
        assertEquals(new DtmfRelay.Key('A', 0), DtmfRelay.parse("dtmf-relay", "Signal=a"));
        assertEquals(new DtmfRelay.Key('7', 0), DtmfRelay.parse("dtmf", "7\r\n"));
    }

    @Test
    void refusesWhatIsNotOneKey() {
        assertNull(DtmfRelay.parse("dtmf-relay", "Duration=160"));
        assertNull(DtmfRelay.parse("dtmf-relay", "Signal=55"));
        assertNull(DtmfRelay.parse("dtmf-relay", "Signal=5\nDuration=long"));
        assertNull(DtmfRelay.parse("dtmf", "12"));
        assertNull(DtmfRelay.parse("dtmf", null));
    }
}
