package dev.patchbay.control.wss;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * jambonz's {@code listen} verb with bidirectional streaming, as its docs describe it: subprotocol
 * {@code audio.jambonz.org}, one JSON text frame of call attributes plus sampleRate and mixType (with the
 * custom parameters merged in last, as jambonz merges the verb's metadata), then binary little-endian L16.
 * Caller digits go as {@code {"event":"dtmf","dtmf":"5","duration":"800"}} (as with passDtmf; duration in
 * 8 kHz timestamp units). Bot commands are jambonz's own: {@code killAudio}, {@code mark} (answered with
 * {@code {"type":"mark","data":{"name","event":"playout"|"cleared"}}}), {@code clearMarks} and
 * {@code disconnect} (hangs up the call). {@code {"type":"transfer","data":{"to":…}}} and, for ASAPP-style
 * transferred calls, {@code {"type":"return","data":{outputContext}}} and, for RingCX,
 * {@code {"type":"info","data":{…}}} are Patchbay extensions; jambonz's non-streaming {@code playAudio} is not supported.
 */
final class JambonzDialect implements Dialect {

    /** Paths of {@link #scan}. */
    private static final int TYPE = 0;
    private static final int NAME = 2;

    private final BridgeTarget target;
    /** Marks the bot still wants to hear about; clearMarks empties it. Written by the decoder, read by the encoder. */
    private final Set<String> pendingMarks = ConcurrentHashMap.newKeySet();
    private final JsonScan scan = new JsonScan("type", "data", "data.name");

    JambonzDialect(BridgeTarget target) {
        this.target = target;
    }

    @Override
    public AudioFormat format() {
        return target.sampleRate() == 16000 ? AudioFormat.L16_16K : AudioFormat.L16_8K;
    }

    @Override
    public List<String> subprotocols() {
        return List.of("audio.jambonz.org");
    }

    @Override
    public boolean opening(int index, OutFrame out) {
        if (index != 0) {
            return false;
        }
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("callSid", target.callId()).put("direction", "inbound").put("from", target.from()).put("to", target.to())
                .put("accountSid", target.accountId()).put("sampleRate", target.sampleRate()).put("mixType", "mono");
        for (Map.Entry<String, String> e : target.customParameters().entrySet()) {
            m.put(e.getKey(), e.getValue());
        }
        out.text().append(m);
        return true;
    }

    @Override
    public boolean audio(byte[] payload, int length, int sequence, OutFrame out) {
        ByteBuffer b = out.binary(length);
        b.put(payload, 0, length);
        b.flip();
        return true;
    }

    @Override
    public boolean caller(CallerToBot message, OutFrame out) {
        switch (message.getMessageCase()) {
            case AUDIO -> {
                return Dialect.audio(this, message, out);
            }
            case DTMF -> {
                StringBuilder sb = out.text().append("{\"event\":\"dtmf\",\"dtmf\":");
                JsonText.string(sb, message.getDtmf().getDigit()).append(",\"duration\":\"")
                        .append(message.getDtmf().getDurationMs() * 8L).append("\"}");
            }
            case MARK_PLAYED -> {
                if (!pendingMarks.remove(message.getMarkPlayed().getName())) {
                    return false; // removed by clearMarks
                }
                StringBuilder sb = out.text().append("{\"type\":\"mark\",\"data\":{\"name\":");
                JsonText.string(sb, message.getMarkPlayed().getName()).append(",\"event\":\"")
                        .append(message.getMarkPlayed().getCleared() ? "cleared" : "playout").append("\"}}");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public BotCommand decode(CharSequence message, BotCommand.Audio audio) {
        if (scan.scan(message)) {
            if (scan.is(message, TYPE, "killAudio")) {
                return new BotCommand.Clear();
            }
            if (scan.is(message, TYPE, "mark") && scan.kind(NAME) == JsonScan.STRING && scan.end(NAME) > scan.start(NAME)) {
                String name = scan.string(message, NAME);
                pendingMarks.add(name);
                return new BotCommand.Mark(name);
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
        String type = n.path("type").asText("");
        return switch (type) {
            case "killAudio" -> new BotCommand.Clear();
            case "mark" -> {
                String name = BotJson.text(n.path("data").path("name"));
                if (name == null) {
                    yield BotJson.invalid("mark without data.name", message);
                }
                pendingMarks.add(name);
                yield new BotCommand.Mark(name);
            }
            case "clearMarks" -> {
                pendingMarks.clear();
                yield new BotCommand.Nothing();
            }
            case "disconnect" -> new BotCommand.Hangup("the bot sent disconnect");
            case "transfer" -> {
                String to = BotJson.text(n.path("data").path("to"));
                yield to == null ? BotJson.invalid("transfer without data.to", message) : new BotCommand.Transfer(to);
            }
            case "return" -> {
                JsonNode context = n.path("data");
                yield context.isObject() ? new BotCommand.Return(context.toString())
                        : BotJson.invalid("return without a data object", message);
            }
            case "info" -> BotJson.info(n.path("data"), "data", message);
            default -> BotJson.invalid("unknown or unsupported type '" + type + "'", message);
        };
    }

    @Override
    public BotCommand binary(ByteBuffer data) {
        if (data.remaining() % 2 != 0) {
            return new BotCommand.Invalid("an L16 frame of " + data.remaining() + " bytes, not whole samples");
        }
        return new BotCommand.Play(ByteString.copyFrom(data));
    }

    /** Binary L16 needs no decoding: copied as it is into the reused buffer. */
    @Override
    public BotCommand decodeBinary(ByteBuffer data, BotCommand.Audio audio) {
        if (data.remaining() % 2 != 0) {
            return binary(data);
        }
        data.get(audio.reserve(data.remaining()), 0, data.remaining());
        return audio;
    }
}
