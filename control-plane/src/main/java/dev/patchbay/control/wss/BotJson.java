package dev.patchbay.control.wss;

import java.util.Base64;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/** Parsing of bot text messages; bot messages are rare next to caller frames, so a tree parse is fine. */
final class BotJson {

    /** Immutable and thread-safe, so one for the process is no shared mutable state. */
    private static final ObjectReader READER = new ObjectMapper().reader();

    private BotJson() {
    }

    /** The message as an object, or null when it is not a JSON object. */
    static JsonNode object(CharSequence text) {
        try {
            JsonNode n = READER.readTree(text.toString());
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A non-empty string field, or null. */
    static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** Base64 audio, wrapped without a copy; null when it is not valid base64. */
    static ByteString base64(JsonNode node) {
        String s = text(node);
        if (s == null) {
            return null;
        }
        try {
            return UnsafeByteOperations.unsafeWrap(Base64.getDecoder().decode(s));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An Invalid command naming the problem and a short prefix of the message, for the once-per-call log line. */
    /**
     * A bot's INFO for the far end (RingCX), the same in every dialect: a JSON object, sent as the INFO's
     * body; its JSON boolean {@code final} says the bot is done, so the far end, not the socket closing,
     * ends the call. {@code field} names where the dialect carries it, for the refusal.
     */
    static BotCommand info(JsonNode info, String field, CharSequence message) {
        return info.isObject() ? new BotCommand.Info(info.toString(), info.path("final").isBoolean()
                && info.path("final").booleanValue()) : invalid("info without a JSON object in " + field, message);
    }

    static BotCommand.Invalid invalid(String why, CharSequence message) {
        String m = message.toString();
        return new BotCommand.Invalid(why + ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m));
    }
}
