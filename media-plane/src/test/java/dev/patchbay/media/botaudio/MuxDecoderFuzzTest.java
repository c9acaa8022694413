package dev.patchbay.media.botaudio;

import com.google.protobuf.InvalidProtocolBufferException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.patchbay.proto.mux.MuxDecoder;

/**
 * Any bytes a bot sends on the AudioMux stream: {@link MuxDecoder} refuses exactly what protobuf-java
 * refuses (with {@link InvalidProtocolBufferException}, nothing else) and otherwise hands on the same
 * entries, channels, leave flags, messages and audio payloads as {@code MuxToCaller.parseFrom}.
 * Regression inputs: src/test/resources/dev/patchbay/media/botaudio/MuxDecoderFuzzTestInputs/.
 */
class MuxDecoderFuzzTest {

    @FuzzTest(maxDuration = "12h") // ./patchbay fuzz ends a run after the minutes it is given
    void decode(byte[] batch) throws InvalidProtocolBufferException {
        MuxDecoderTest.assertSameAsProtobuf(batch);
    }
}
