package dev.patchbay.control.wss;

import com.google.protobuf.ByteString;

/** One decoded bot message, whatever the dialect. */
sealed interface BotCommand {

    /** Audio in the attached format, ready for the Audio stream. */
    record Play(ByteString audio) implements BotCommand { }

    /**
     * Audio in the attached format, decoded into a buffer the bridge reuses: valid only until the next message
     * is decoded, so the caller-facing side copies what it keeps.
     */
    final class Audio implements BotCommand {
        private byte[] bytes = new byte[640];
        private int length;

        /** The buffer, at least {@code size} bytes, to decode {@code size} bytes into. */
        byte[] reserve(int size) {
            if (bytes.length < size) {
                bytes = new byte[Math.max(size, 2 * bytes.length)];
            }
            length = size;
            return bytes;
        }

        /** Shortens the audio, e.g. after an in-place conversion. */
        void truncate(int size) {
            length = size;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }
    }

    /** Drop the queued bot audio (Twilio clear, Plivo clearAudio, jambonz killAudio). */
    record Clear() implements BotCommand { }

    /** Report when the audio queued so far has played. */
    record Mark(String name) implements BotCommand { }

    record Hangup(String reason) implements BotCommand { }

    /** Blind transfer; {@code target} as the bot gave it (E.164 number or SIP/tel URI). */
    record Transfer(String target) implements BotCommand { }

    /**
     * The bot is done and hands the call back (ASAPP-style transfers); {@code outputContextJson} is
     * the {@code return} object as the bot sent it, judged by whoever owns the call's transfer.
     */
    record Return(String outputContextJson) implements BotCommand { }

    /**
     * Attended transfer (Patchbay extension): {@code action} {@code start} (consult {@code to}), {@code complete}
     * ({@code method} refer_replaces, media_bridge, or null for the default) or {@code cancel}.
     */
    record Consult(String action, String to, String method, String hold) implements BotCommand { }

    /** Send digits to the caller. */
    record Digits(String digits) implements BotCommand { }

    /**
     * The bot is done and asks for a human agent (Ameyo's transfer notification); {@code propertiesJson}
     * is the bot's {@code agent_response.properties} object, "{}" when it gave none.
     */
    record AgentResponse(String propertiesJson) implements BotCommand { }

    /**
     * Data for the far end as SIP INFO with Content-Type application/json (RingCX); {@code json} is the
     * body as sent, {@code isFinal} its {@code "final": true}, after which the far end sends the BYE.
     */
    record Info(String json, boolean isFinal) implements BotCommand { }

    /** A well-formed message that needs nothing from the media-plane. */
    record Nothing() implements BotCommand { }

    /** Unknown or malformed: counted and logged once per call. */
    record Invalid(String why) implements BotCommand { }
}
