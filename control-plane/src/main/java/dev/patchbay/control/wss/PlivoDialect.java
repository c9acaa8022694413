package dev.patchbay.control.wss;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * Plivo AudioStream, shaped as Plivo's streaming SDK types it: sequenceNumber and chunk are numbers, timestamp
 * a string, custom parameters travel as the JSON string {@code extra_headers}. 8 kHz streams are
 * {@code audio/x-mulaw}, 16 kHz streams {@code audio/x-l16}. Bot playAudio may use either content type at
 * 8 kHz (L16 is encoded to mu-law here); a 16 kHz stream takes only 16 kHz L16. A played checkpoint is
 * reported as playedStream; checkpoints dropped by clearAudio are not reported, one clearedAudio is.
 * As Patchbay extensions, {@code {"event":"hangup"}}, {@code {"event":"transfer","transfer":{"to":…}}} and
 * {@code {"event":"info","info":{…}}} (RingCX) act as in the Twilio dialect.
 */
final class PlivoDialect implements Dialect {

    /** Paths of {@link #scan}. */
    private static final int EVENT = 0;
    private static final int PAYLOAD = 2;
    private static final int TYPE = 3;
    private static final int RATE = 4;
    private static final int NAME = 5;

    private final BridgeTarget target;
    private final String streamId = UUID.randomUUID().toString();
    private final MediaClock clock = new MediaClock();
    private final JsonScan scan = new JsonScan("event", "media", "media.payload", "media.contentType", "media.sampleRate", "name");
    private long sequence = 1;

    PlivoDialect(BridgeTarget target) {
        this.target = target;
    }

    @Override
    public AudioFormat format() {
        return target.sampleRate() == 16000 ? AudioFormat.L16_16K : AudioFormat.PCMU;
    }

    private String encoding() {
        return format() == AudioFormat.PCMU ? "audio/x-mulaw" : "audio/x-l16";
    }

    @Override
    public boolean opening(int index, OutFrame out) {
        if (index != 0) {
            return false;
        }
        sequence = 1;
        StringBuilder sb = out.text().append("{\"event\":\"start\",\"sequenceNumber\":").append(sequence++)
                .append(",\"start\":{\"callId\":");
        JsonText.string(sb, target.callId()).append(",\"streamId\":\"").append(streamId).append("\",\"accountId\":");
        JsonText.string(sb, target.accountId()).append(",\"tracks\":[\"inbound\"],\"mediaFormat\":{\"encoding\":\"")
                .append(encoding()).append("\",\"sampleRate\":").append(target.sampleRate()).append("}},\"extra_headers\":");
        JsonText.string(sb, JsonText.object(new StringBuilder(), target.customParameters()).toString()).append('}');
        return true;
    }

    @Override
    public boolean audio(byte[] payload, int length, int sequence, OutFrame out) {
        long ms = clock.frame(sequence);
        StringBuilder sb = head(out, "media").append(",\"media\":{\"track\":\"inbound\",\"timestamp\":\"").append(ms)
                .append("\",\"chunk\":").append(clock.chunk()).append(",\"payload\":\"");
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
                StringBuilder sb = head(out, "dtmf").append(",\"dtmf\":{\"track\":\"inbound\",\"digit\":");
                JsonText.string(sb, message.getDtmf().getDigit()).append(",\"timestamp\":\"").append(clock.lastMillis()).append("\"}}");
            }
            case MARK_PLAYED -> {
                if (message.getMarkPlayed().getCleared()) {
                    return false;
                }
                StringBuilder sb = head(out, "playedStream").append(",\"name\":");
                JsonText.string(sb, message.getMarkPlayed().getName()).append('}');
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean cleared(OutFrame out) {
        head(out, "clearedAudio").append('}');
        return true;
    }

    private StringBuilder head(OutFrame out, String event) {
        return out.text().append("{\"event\":\"").append(event).append("\",\"sequenceNumber\":").append(sequence++)
                .append(",\"streamId\":\"").append(streamId).append('"');
    }

    @Override
    public BotCommand decode(CharSequence message, BotCommand.Audio audio) {
        if (scan.scan(message)) {
            if (scan.is(message, EVENT, "playAudio")) {
                if (play(message, audio)) {
                    return audio;
                }
            } else if (scan.is(message, EVENT, "checkpoint")) {
                if (scan.kind(NAME) == JsonScan.STRING && scan.end(NAME) > scan.start(NAME)) {
                    return new BotCommand.Mark(scan.string(message, NAME));
                }
            } else if (scan.is(message, EVENT, "clearAudio")) {
                return new BotCommand.Clear();
            }
        }
        return text(message);
    }

    /** The scanned playAudio's audio into {@code audio}; false for anything {@link #play(JsonNode, CharSequence)} must judge. */
    private boolean play(CharSequence message, BotCommand.Audio audio) {
        int rateKind = scan.kind(RATE);
        if (scan.kind(PAYLOAD) != JsonScan.STRING || rateKind != JsonScan.MISSING && rateKind != JsonScan.INTEGER
                || !Base64Text.decode(message, scan.start(PAYLOAD), scan.end(PAYLOAD), audio)) {
            return false;
        }
        int rate = rateKind == JsonScan.MISSING ? 8000 : scan.integer(message, RATE);
        boolean l16 = scan.startsWith(message, TYPE, "audio/x-l16") && audio.length() % 2 == 0;
        if (format() == AudioFormat.PCMU && rate == 8000 && scan.startsWith(message, TYPE, "audio/x-mulaw")) {
            return true;
        }
        if (format() == AudioFormat.PCMU && rate == 8000 && l16) {
            byte[] b = audio.bytes();
            int n = audio.length() / 2;
            for (int i = 0; i < n; i++) { // in place: sample i is read from 2i and 2i+1 before anything at or past i is written
                b[i] = Mulaw.encode((short) (b[2 * i] & 0xFF | b[2 * i + 1] << 8));
            }
            audio.truncate(n);
            return true;
        }
        return format() == AudioFormat.L16_16K && rate == 16000 && l16;
    }

    @Override
    public BotCommand text(CharSequence message) {
        JsonNode n = BotJson.object(message);
        if (n == null) {
            return BotJson.invalid("not a JSON object", message);
        }
        String event = n.path("event").asText("");
        return switch (event) {
            case "playAudio" -> play(n.path("media"), message);
            case "checkpoint" -> {
                String name = BotJson.text(n.path("name"));
                yield name == null ? BotJson.invalid("checkpoint without name", message) : new BotCommand.Mark(name);
            }
            case "clearAudio" -> new BotCommand.Clear();
            case "sendDTMF" -> {
                String digits = BotJson.text(n.path("dtmf"));
                yield digits == null ? BotJson.invalid("sendDTMF without dtmf", message) : new BotCommand.Digits(digits);
            }
            case "hangup" -> new BotCommand.Hangup("the bot sent hangup");
            case "transfer" -> {
                String to = BotJson.text(n.path("transfer").path("to"));
                yield to == null ? BotJson.invalid("transfer without transfer.to", message) : new BotCommand.Transfer(to);
            }
            // A Patchbay extension, shaped like the twilio dialect's: the bot hands an ASAPP-style transfer back.
            case "return" -> {
                JsonNode context = n.path("return");
                yield context.isObject() ? new BotCommand.Return(context.toString())
                        : BotJson.invalid("return without a return object", message);
            }
            case "info" -> BotJson.info(n.path("info"), "info", message);
            default -> BotJson.invalid("unknown event '" + event + "'", message);
        };
    }

    private BotCommand play(JsonNode media, CharSequence message) {
        ByteString audio = BotJson.base64(media.path("payload"));
        if (audio == null) {
            return BotJson.invalid("playAudio without base64 media.payload", message);
        }
        String type = media.path("contentType").asText("");
        int rate = media.path("sampleRate").asInt(8000);
        boolean mulaw = type.startsWith("audio/x-mulaw");
        boolean l16 = type.startsWith("audio/x-l16");
        if (format() == AudioFormat.PCMU && rate == 8000 && mulaw) {
            return new BotCommand.Play(audio);
        }
        if (format() == AudioFormat.PCMU && rate == 8000 && l16 && audio.size() % 2 == 0) {
            byte[] codes = new byte[audio.size() / 2];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = Mulaw.encode((short) (audio.byteAt(2 * i) & 0xFF | audio.byteAt(2 * i + 1) << 8));
            }
            return new BotCommand.Play(UnsafeByteOperations.unsafeWrap(codes));
        }
        if (format() == AudioFormat.L16_16K && rate == 16000 && l16 && audio.size() % 2 == 0) {
            return new BotCommand.Play(audio);
        }
        return BotJson.invalid("playAudio of " + type + " at " + rate + " Hz on a " + encoding() + " "
                + target.sampleRate() + " Hz stream", message);
    }

    /** For tests: the streamId sent in start. */
    String streamId() {
        return streamId;
    }
}
