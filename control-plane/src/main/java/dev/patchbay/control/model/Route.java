package dev.patchbay.control.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.dbclient.DbExecute;


/** What the control-plane decided for an offered call. */
public sealed interface Route {

    /**
     * Refuse the call with a SIP status; the reason goes into the Reason header and the call
     * record. {@code workspaceId} is set when a workspace was found (e.g. it is disabled).
     */
    record Reject(int sipStatus, String reason, String workspaceId, List<Header> headers) implements Route {
        public Reject {
            headers = List.copyOf(headers);
        }

        public Reject(int sipStatus, String reason, String workspaceId) {
            this(sipStatus, reason, workspaceId, List.of());
        }

        public Reject(int sipStatus, String reason) {
            this(sipStatus, reason, null);
        }
    }

    /** A header the rejection carries besides Reason, e.g. a digest challenge's WWW-Authenticate. */
    record Header(String name, String value) { }

    /**
     * The bot that takes the call.
     *
     * @param number the DID as stored (E.164 where it is a phone number)
     * @param raw    the form the INVITE carried it in, e.g. {@code 00919990152080}
     * @param via    which routing step matched, for the call's event log
     * @param trunkMedia the DTMF mode and codec order of the trunk that admitted the call; defaults without one
     */
    record ToBot(String workspaceId, String botId, BotKind kind, String url, String dialect, String number,
                 String raw, String via, Settings settings, TrunkMedia trunkMedia) implements Route {

        public ToBot(String workspaceId, String botId, BotKind kind, String url, String dialect, String number,
                     String raw, String via, Settings settings) {
            this(workspaceId, botId, kind, url, dialect, number, raw, via, settings, TrunkMedia.DEFAULT);
        }

        public ToBot(String workspaceId, String botId, BotKind kind, String url, String dialect, String number,
                     String raw, String via) {
            this(workspaceId, botId, kind, url, dialect, number, raw, via, Settings.DEFAULT);
        }

        public ToBot withTrunkMedia(TrunkMedia media) {
            return new ToBot(workspaceId, botId, kind, url, dialect, number, raw, via, settings, media);
        }

        public TrunkDtmfMode dtmfMode() {
            return trunkMedia.dtmfMode();
        }
    }

    /**
     * A bot's admin-API settings, read with the route on every call so a change applies to the next one.
     *
     * @param sampleRate       the rate a wss bot's audio streams at
     * @param customParameters added to the start message's customParameters
     * @param connectTimeout   a wss bot's own WebSocket connect timeout; null = the global setting
     * @param answerTimeout    a webhook bot's own answer timeout; null = the global setting
     * @param earlyMedia       what the caller hears while the call rings (V14): the DID's choice, else the bot's
     */
    record Settings(int sampleRate, Map<String, String> customParameters,
                    Duration connectTimeout, Duration answerTimeout, EarlyMedia earlyMedia) {
        public static final Settings DEFAULT = new Settings(8000, Map.of(), null, null, EarlyMedia.NONE);

        public Settings {
            customParameters = Collections.unmodifiableMap(new LinkedHashMap<>(customParameters));
        }

        /** From a route row's {@code sample_rate}, {@code custom_parameters} (V10) and timeout (V12) columns. */
        public static Settings of(Map<String, Object> columns) {
            Object rate = columns.get("sample_rate");
            String json = (String) columns.get("custom_parameters");
            Map<String, String> params = Map.of();
            if (json != null && !json.isBlank()) {
                try {
                    params = new ObjectMapper().readValue(json,
                            new TypeReference<LinkedHashMap<String, String>>() { });
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("bots.custom_parameters is not a JSON object of strings", e);
                }
            }
            return new Settings(rate == null ? 8000 : ((Number) rate).intValue(), params,
                    millis(columns.get("connect_timeout_ms")), millis(columns.get("answer_timeout_ms")),
                    EarlyMedia.of(columns));
        }

        private static Duration millis(Object column) {
            return column == null ? null : Duration.ofMillis(((Number) column).longValue());
        }
    }

    /**
     * A bot that takes the call only if {@code claim} succeeds in the same transaction that records the
     * call, e.g. an ASAPP call transfer that one INVITE may bind. {@code customParametersJson} (a JSON
     * object of strings, or null) is handed to the bot.
     */
    record Claimed(ToBot bot, String customParametersJson, Claim claim) implements Route { }

    /** Binds integration state to a call; false when another call got there first. */
    @FunctionalInterface
    interface Claim {
        boolean claim(DbExecute tx, String callId, Instant now);
    }

    /**
     * Early media while a call rings (V14): none (180 Ringing), a ringback tone, or a WAV clip named
     * by {@code clip} in the control-plane's clip folder; all with 183 Session Progress and SDP.
     */
    record EarlyMedia(Mode mode, String clip) {
        public static final EarlyMedia NONE = new EarlyMedia(Mode.NONE, null);

        public enum Mode { NONE, RINGBACK, CLIP }

        /** The DID's {@code did_early_media} when set, else the bot's {@code early_media}; absent columns mean none. */
        static EarlyMedia of(Map<String, Object> columns) {
            String did = (String) columns.get("did_early_media");
            String mode = did != null ? did : (String) columns.get("early_media");
            String clip = (String) columns.get(did != null ? "did_early_media_clip" : "early_media_clip");
            return switch (mode == null ? "none" : mode) {
                case "none" -> NONE;
                case "ringback" -> new EarlyMedia(Mode.RINGBACK, null);
                case "clip" -> new EarlyMedia(Mode.CLIP, clip);
                default -> throw new IllegalStateException("early_media '" + mode + "' is unknown to this control-plane");
            };
        }
    }

    /** How a bot reaches the call's audio. */
    enum BotKind {
        ECHO, WSS, WEBHOOK, GRPC;

        public static BotKind fromWire(String kind) {
            return switch (kind) {
                case "echo" -> ECHO;
                case "wss" -> WSS;
                case "webhook" -> WEBHOOK;
                case "grpc" -> GRPC;
                default -> throw new IllegalStateException("bots.kind '" + kind + "' is unknown to this control-plane");
            };
        }
    }
}
