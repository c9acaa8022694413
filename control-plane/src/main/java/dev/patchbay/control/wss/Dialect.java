package dev.patchbay.control.wss;

import java.nio.ByteBuffer;
import java.util.List;

import dev.patchbay.proto.media.v1.AudioFormat;
import dev.patchbay.proto.media.v1.CallerToBot;

/**
 * One bot wire protocol: translates the call's Audio stream to WebSocket messages and back. An instance
 * belongs to one bridge and keeps that stream's counters. The encoders are called by the bridge's sender,
 * one at a time, and return false when the bot is not told about the event; the decoders are called by
 * the socket's listener, one message at a time, possibly alongside an encoder.
 */
sealed interface Dialect permits TwilioDialect, JambonzDialect, PlivoDialect {

    static Dialect create(BridgeTarget target) {
        return switch (target.dialect()) {
            case "twilio" -> new TwilioDialect(target);
            case "jambonz" -> new JambonzDialect(target);
            case "plivo" -> new PlivoDialect(target);
            default -> throw new IllegalArgumentException("unknown WSS dialect '" + target.dialect() + "' for call "
                    + target.callId() + ": use twilio, jambonz or plivo");
        };
    }

    /** The format to attach the Audio stream with; bot audio must arrive in it too. */
    AudioFormat format();

    /** The WebSocket subprotocols to ask for. */
    default List<String> subprotocols() {
        return List.of();
    }

    /** The {@code index}-th message that opens a stream; sent again after a reconnect. */
    boolean opening(int index, OutFrame out);

    /** A caller frame: the first {@code length} bytes of {@code payload}, in the attached format. */
    boolean audio(byte[] payload, int length, int sequence, OutFrame out);

    /** A digit or played mark from the media-plane; a frame given this way goes to {@link #audio}. */
    boolean caller(CallerToBot message, OutFrame out);

    /** The frame of {@code message} as {@link #audio} takes it; copies, so only for frames off the hot path. */
    static boolean audio(Dialect dialect, CallerToBot message, OutFrame out) {
        byte[] payload = message.getAudio().getPayload().toByteArray();
        return dialect.audio(payload, payload.length, message.getAudio().getSequence(), out);
    }

    /** The acknowledgement of a bot's clear, where the protocol has one. */
    default boolean cleared(OutFrame out) {
        return false;
    }

    /** The last message before the gateway closes the socket because the call ended. */
    default boolean stop(OutFrame out) {
        return false;
    }

    /** A bot text message, parsed as a JSON tree: the reference {@link #decode} must agree with. */
    BotCommand text(CharSequence message);

    default BotCommand binary(ByteBuffer data) {
        return new BotCommand.Invalid("a binary frame, which this dialect does not use");
    }

    /**
     * As {@link #text}, but the frequent messages (audio, mark, clear) are read without a tree, and audio is
     * decoded into {@code audio}, which is reused: no allocation per bot frame. Anything else goes to {@link #text}.
     */
    default BotCommand decode(CharSequence message, BotCommand.Audio audio) {
        return text(message);
    }

    /** As {@link #binary}, with audio copied into the reused {@code audio}. */
    default BotCommand decodeBinary(ByteBuffer data, BotCommand.Audio audio) {
        return binary(data);
    }
}
