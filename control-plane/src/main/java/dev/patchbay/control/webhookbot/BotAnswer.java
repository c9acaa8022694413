package dev.patchbay.control.webhookbot;

import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a bot platform's webhook said to do with an inbound call. */
public sealed interface BotAnswer {

    /**
     * Connect the call's audio to {@code url}.
     *
     * @param customParameters passed on to the bot in its start message (TwiML {@code <Parameter>}, Plivo extraHeaders)
     * @param dialectHint      "twilio", "plivo", or what the JSON named; empty when unknown
     * @param contentType      the audio the bot asked for (Plivo contentType), empty for the dialect's default
     * @param infoOnEnd        a JSON object to send the far end as SIP INFO when the bot's stream ends (TwiML/Plivo
     *                         {@code <Info>} after the stream, JSON {@code info_on_end}; RingCX's final INFO); null for none
     */
    record Stream(URI url, Map<String, String> customParameters, String dialectHint, String contentType, String infoOnEnd)
            implements BotAnswer {

        private static final Pattern RATE = Pattern.compile("rate=(\\d+)");

        public Stream {
            customParameters = Map.copyOf(customParameters);
            dialectHint = dialectHint == null ? "" : dialectHint;
            contentType = contentType == null ? "" : contentType;
        }

        public Stream(URI url, Map<String, String> customParameters, String dialectHint) {
            this(url, customParameters, dialectHint, "");
        }

        public Stream(URI url, Map<String, String> customParameters, String dialectHint, String contentType) {
            this(url, customParameters, dialectHint, contentType, null);
        }

        /** The same stream, with the INFO to send when it ends. */
        Stream withInfoOnEnd(String json) {
            return new Stream(url, customParameters, dialectHint, contentType, json);
        }

        /** The sample rate named in {@code contentType} ({@code audio/x-l16;rate=16000}), else 8000. */
        public int sampleRateHz() {
            Matcher m = RATE.matcher(contentType);
            return m.find() ? Integer.parseInt(m.group(1)) : 8000;
        }
    }

    /** Refuse the call with this SIP status; {@code reason} goes into the Reason header and the log. */
    record Reject(int sipStatus, String reason) implements BotAnswer { }

    /** The bot will attach itself over gRPC with the call's token; nothing to connect from here. */
    record Grpc() implements BotAnswer { }
}
