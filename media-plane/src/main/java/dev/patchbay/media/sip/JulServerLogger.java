package dev.patchbay.media.sip;

import java.util.Properties;
import java.util.logging.Logger;

import javax.sip.SipStack;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;

/** jain-sip's message trace, at FINEST on {@code gov.nist.javax.sip.messages}; off by default. */
public final class JulServerLogger implements ServerLogger {

    private static final Logger LOG = Logger.getLogger("gov.nist.javax.sip.messages");

    @Override
    public void closeLogFile() {
        // nothing is written to files
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        LOG.finest(() -> (sender ? "sent to " + to : "received from " + from) + "\n" + message);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        logMessage(message, from, to, sender, time);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        logMessage(message, from, to, sender, 0);
    }

    @Override
    public void logException(Exception ex) {
        LOG.finest(() -> "jain-sip: " + ex);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure
    }

    @Override
    public void setSipStack(SipStack sipStack) {
        // not needed
    }
}
