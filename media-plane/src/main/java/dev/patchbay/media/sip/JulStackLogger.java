package dev.patchbay.media.sip;

import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

import gov.nist.core.StackLogger;

/**
 * Sends jain-sip's own logging to java.util.logging. Parse failures of garbage packets arrive here
 * as errors, once per packet, so errors carry no stack trace unless FINE is enabled for
 * {@code gov.nist}; nothing a remote peer sends can flood the log with traces.
 */
public final class JulStackLogger implements StackLogger {

    private static final Logger LOG = Logger.getLogger("gov.nist.javax.sip");

    @Override
    public void logStackTrace() {
        // jain-sip calls this to dump the current stack for debugging only
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // as above
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "jain-sip exception", ex);
        }
    }

    @Override
    public void logDebug(String message) {
        LOG.finest(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.log(Level.FINEST, message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.finest(message);
    }

    @Override
    public void logFatalError(String message) {
        LOG.severe(message);
    }

    @Override
    public void logError(String message) {
        LOG.fine(message);
    }

    @Override
    public void logError(String message, Exception ex) {
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, message, ex);
        }
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isLoggable(Level.FINE);
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        return LOG.isLoggable(toJul(logLevel));
    }

    @Override
    public void logWarning(String message) {
        LOG.fine(message);
    }

    @Override
    public void logInfo(String message) {
        LOG.finer(message);
    }

    @Override
    public void disableLogging() {
        // levels are governed by logging.properties
    }

    @Override
    public void enableLogging() {
        // levels are governed by logging.properties
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        LOG.finer(() -> "jain-sip build " + buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }

    private static Level toJul(int logLevel) {
        if (logLevel <= TRACE_FATAL) {
            return Level.SEVERE;
        }
        if (logLevel <= TRACE_WARN) {
            return Level.FINE;
        }
        if (logLevel <= TRACE_INFO) {
            return Level.FINER;
        }
        return Level.FINEST;
    }
}
