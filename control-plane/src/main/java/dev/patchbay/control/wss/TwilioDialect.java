package dev.patchbay.control.wss;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * Twilio Media Streams, exactly as shared/INTEROP.md describes it: 8 kHz mu-law, sequenceNumber, chunk and
 * timestamp as strings. Beyond Twilio, bots may send Patchbay extension events, which real Twilio
 * ignores: {@code {"event":"hangup"}}, {@code {"event":"transfer","transfer":{"to":"+E164 or sip:…"}}},
 * {@code {"event":"dtmf","dtmf":{"digits":"12#"}}}, attended transfer as {@code {"event":"consult","consult":
 * {"action":"start","to":…}}} then {@code "action":"complete"} (optional {@code "method"}) or {@code "cancel"},
 * {@code {"event":"agent_response","agent_response":
 * {"properties":{…}}}} (Ameyo) and {@code {"event":"info","info":{…}}} (RingCX SIP INFO); and for calls
 * that came as ASAPP-style call transfers {@code {"event":"return","return":{"transferType":"AGENT",
 * "currentTaskName":…,"referenceVariables":{…},"transferVariables":{…}}}}, which stores the output context
 * and hands the call back as the transfer says. Patchbay tells the bot of a refused extension with
 * {@code {"event":"error","error":{"event":"info","message":"…"}}}.
 * After a reconnect, connected and start are sent again with the same streamSid and sequenceNumber starts
 * again at "1", as on any new Twilio stream; chunk and timestamp continue.
 *
 * <p><b>Wideband, opt-in.</b> A route whose custom parameters hold {@code audioFormat} =
 * {@value #WIDEBAND} (TwiML's {@code <Parameter name="audioFormat" value="audio/l16;rate=16000"/>})
 * streams 16-bit little-endian L16 at 16 kHz both ways instead, announced in start's mediaFormat as
 * {@code {"encoding":"audio/l16","sampleRate":16000,"channels":1}}; on a G.722 call it is never
 * resampled. Real Twilio never sends that, so a bot that did not ask keeps 8 kHz mu-law, exactly.
 */
final class TwilioDialect implements Dialect {

    private static final Set<String> CONSULT_ACTIONS = Set.of("start", "complete", "cancel");

    /** The custom parameter value that opts a Twilio bot into 16 kHz L16. */
    static final String WIDEBAND = "audio/l16;rate=16000";

    /** Paths of {@link #scan}. */
    private static final int EVENT = 0;
    private static final int PAYLOAD = 2;
    private static final int NAME = 4;

    private final BridgeTarget target;
    private final boolean wideband;
    private final String streamSid = "MZ" + UUID.randomUUID().toString().replace("-", "");
    private final MediaClock clock = new MediaClock();
    private final JsonScan scan = new JsonScan("event", "media", "media.payload", "mark", "mark.name");
    private long sequence = 1;

    TwilioDialect(BridgeTarget target) {
        this.target = target;
        String asked = target.customParameters().get("audioFormat");
        this.wideband = asked != null && asked.replace(" ", "").equalsIgnoreCase(WIDEBAND);
    }

    String streamSid() {
        return streamSid;
    }

    @Override
    public AudioFormat format() {
        return wideband ? AudioFormat.L16_16K : AudioFormat.PCMU;
    }

    @Override
    public boolean opening(int index, OutFrame out) {
        switch (index) {
            case 0 -> {
                sequence = 1;
                out.text().append("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
            }
            case 1 -> {
                StringBuilder sb = head(out, "start").append(",\"start\":{\"streamSid\":\"").append(streamSid).append("\",\"accountSid\":");
                JsonText.string(sb, target.accountId()).append(",\"callSid\":");
                JsonText.string(sb, target.callId()).append(",\"tracks\":[\"inbound\"],\"customParameters\":");
                JsonText.object(sb, target.customParameters())
                        .append(wideband ? ",\"mediaFormat\":{\"encoding\":\"audio/l16\",\"sampleRate\":16000,\"channels\":1}}}"
                                : ",\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean audio(byte[] payload, int length, int sequence, OutFrame out) {
        long ms = clock.frame(sequence);
        StringBuilder sb = head(out, "media").append(",\"media\":{\"track\":\"inbound\",\"chunk\":\"").append(clock.chunk())
                .append("\",\"timestamp\":\"").append(ms).append("\",\"payload\":\"");
        JsonText.base64(sb, payload, length).append("\"}}");
        return true;
    }

    @Override
    public boolean caller(CallerToBot message, OutFrame out) {
        switch (message.getMessageCase()) {
            case AUDIO -> {
                return Dialect.audio(this, message, out);
            }
            case DTMF -> {
                StringBuilder sb = head(out, "dtmf").append(",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":");
                JsonText.string(sb, message.getDtmf().getDigit()).append("}}");
            }
            // Twilio echoes a mark both when played and when a clear dropped it.
            case MARK_PLAYED -> {
                StringBuilder sb = head(out, "mark").append(",\"mark\":{\"name\":");
                JsonText.string(sb, message.getMarkPlayed().getName()).append("}}");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean stop(OutFrame out) {
        StringBuilder sb = head(out, "stop").append(",\"stop\":{\"accountSid\":");
        JsonText.string(sb, target.accountId()).append(",\"callSid\":");
        JsonText.string(sb, target.callId()).append("}}");
        return true;
    }

    private StringBuilder head(OutFrame out, String event) {
        return out.text().append("{\"event\":\"").append(event).append("\",\"sequenceNumber\":\"").append(sequence++)
                .append("\",\"streamSid\":\"").append(streamSid).append('"');
    }

    @Override
    public BotCommand decode(CharSequence message, BotCommand.Audio audio) {
        if (scan.scan(message)) {
            if (scan.is(message, EVENT, "media")) {
                if (scan.kind(PAYLOAD) == JsonScan.STRING && Base64Text.decode(message, scan.start(PAYLOAD), scan.end(PAYLOAD), audio)) {
                    return audio;
                }
            } else if (scan.is(message, EVENT, "mark")) {
                if (scan.kind(NAME) == JsonScan.STRING && scan.end(NAME) > scan.start(NAME)) {
                    return new BotCommand.Mark(scan.string(message, NAME));
                }
            } else if (scan.is(message, EVENT, "clear")) {
                return new BotCommand.Clear();
            }
        }
        return text(message);
    }

    @Override
    public BotCommand text(CharSequence message) {
        JsonNode n = BotJson.object(message);
        if (n == null) {
            return BotJson.invalid("not a JSON object", message);
        }
        String event = n.path("event").asText("");
        return switch (event) {
            case "media" -> {
                ByteString audio = BotJson.base64(n.path("media").path("payload"));
                yield audio == null ? BotJson.invalid("media without base64 payload", message) : new BotCommand.Play(audio);
            }
            case "mark" -> {
                String name = BotJson.text(n.path("mark").path("name"));
                yield name == null ? BotJson.invalid("mark without name", message) : new BotCommand.Mark(name);
            }
            case "clear" -> new BotCommand.Clear();
            case "hangup" -> new BotCommand.Hangup("the bot sent hangup");
            case "transfer" -> {
                String to = BotJson.text(n.path("transfer").path("to"));
                yield to == null ? BotJson.invalid("transfer without transfer.to", message) : new BotCommand.Transfer(to);
            }
            case "consult" -> {
                JsonNode c = n.path("consult");
                String action = BotJson.text(c.path("action"));
                String to = BotJson.text(c.path("to"));
                yield action == null || !CONSULT_ACTIONS.contains(action)
                        ? BotJson.invalid("consult without consult.action start, complete or cancel", message)
                        : action.equals("start") && to == null ? BotJson.invalid("consult start without consult.to", message)
                        : new BotCommand.Consult(action, to, BotJson.text(c.path("method")), BotJson.text(c.path("hold")));
            }
            case "return" -> {
                JsonNode context = n.path("return");
                yield context.isObject() ? new BotCommand.Return(context.toString())
                        : BotJson.invalid("return without a return object", message);
            }
            case "dtmf" -> {
                String digits = BotJson.text(n.path("dtmf").path("digits"));
                yield digits == null ? BotJson.invalid("dtmf without dtmf.digits", message) : new BotCommand.Digits(digits);
            }
            case "agent_response" -> {
                JsonNode props = n.path("agent_response").path("properties");
                yield props.isMissingNode() || props.isNull() ? new BotCommand.AgentResponse("{}")
                        : props.isObject() ? new BotCommand.AgentResponse(props.toString())
                        : BotJson.invalid("agent_response.properties is not a JSON object", message);
            }
            case "info" -> BotJson.info(n.path("info"), "info", message);
            default -> BotJson.invalid("unknown event '" + event + "'", message);
        };
    }
}
