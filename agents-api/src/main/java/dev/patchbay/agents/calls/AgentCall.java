package dev.patchbay.agents.calls;

import java.time.Instant;

/**
 * What an agent asked for when it placed a call, and, once the call has ended, what it cost and
 * how it sounded. The call's state itself is the {@code calls} row.
 */
public record AgentCall(String callId, String sessionId, String agentId, boolean privacyMode, String callerIdName,
                        int maxDuration, boolean recordCall, boolean transcribe, String language, String webhookUrl,
                        String metadataJson, String country, String numberType, long rateMicros, String currency,
                        String jobId, Integer billedMinutes, Long costMicros, Double mos, Double jitterMs,
                        Double packetLoss, Instant createdAt) { }
