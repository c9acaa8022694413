package dev.patchbay.control.wss;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import dev.patchbay.proto.media.v1.AudioFrame;
import dev.patchbay.proto.media.v1.CallerToBot;
import dev.patchbay.proto.media.v1.DtmfEvent;
import dev.patchbay.proto.media.v1.MarkPlayed;

/** Inputs shared by the codec golden tests. */
final class Codecs {

    private Codecs() {
    }

    static BridgeTarget target(String dialect, int rate) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("agent", "sales");
        params.put("note", "say \"hi\"");
        return new BridgeTarget("CA1", "tok", URI.create("wss://bot.example/ws"), dialect, rate, params, "ws_1",
                "+15550001111", "+15550002222", Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    static CallerToBot audio(int sequence, int... payload) {
        byte[] bytes = new byte[payload.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) payload[i];
        }
        return CallerToBot.newBuilder().setAudio(AudioFrame.newBuilder().setSequence(sequence)
                .setPayload(ByteString.copyFrom(bytes))).build();
    }

    static CallerToBot digit(String digit, int ms) {
        return CallerToBot.newBuilder().setDtmf(DtmfEvent.newBuilder().setDigit(digit).setDurationMs(ms)).build();
    }

    static CallerToBot mark(String name, boolean cleared) {
        return CallerToBot.newBuilder().setMarkPlayed(MarkPlayed.newBuilder().setName(name).setCleared(cleared)).build();
    }

    static String text(OutFrame out) {
        return out.textFrame().toString();
    }
}
