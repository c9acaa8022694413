package dev.patchbay.media.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.patchbay.media.codec.G711;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring keeps G.711 codes, and the WAV gives back every G.711 sample exactly, in both laws. */
class CallRecorderTest {

    @TempDir
    Path dir;

    /** Every one of the law's 256 codes, decoded, as two 20 ms frames (the rest of the second repeats them). */
    private static short[][] everyCode(boolean ulaw) {
        short[][] frames = new short[2][CallRecorder.FRAME];
        for (int i = 0; i < 2 * CallRecorder.FRAME; i++) {
            byte code = (byte) (i & 0xFF);
            frames[i / CallRecorder.FRAME][i % CallRecorder.FRAME] = ulaw ? G711.ulawToLinear(code) : G711.alawToLinear(code);
        }
        return frames;
    }

    private static short[][] channels(Path wav) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.limit() - 44, b.getInt(40), "the header counts the data written");
        int n = (b.limit() - 44) / 4;
        short[][] lr = new short[2][n];
        for (int i = 0; i < n; i++) {
            lr[0][i] = b.getShort(44 + 4 * i);
            lr[1][i] = b.getShort(46 + 4 * i);
        }
        return lr;
    }

    /** A G.722 call's recording: a 16 kHz WAV with both sides' PCM exactly, the side behind padded with silence. */
    @Test
    void wideband16kHzRecordingKeepsEverySample() throws Exception {
        CallRecorder r = CallRecorder.wideband(dir.resolve("wide.wav"));
        short[][] caller = new short[3][320];
        short[][] bot = new short[2][320];
        for (int i = 0; i < 320; i++) {
            for (int f = 0; f < 3; f++) {
                caller[f][i] = (short) (i * 97 + f * 1000 - 16000);
            }
            for (int f = 0; f < 2; f++) {
                bot[f][i] = (short) (20000 - i * 61 - f * 7);
            }
        }
        for (int f = 0; f < 3; f++) {
            r.caller(caller[f]);
        }
        r.botPcm(bot[0]);
        r.botSilence();
        r.finish();
        assertTrue(r.drain(), "finished and closed");
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(r.path())).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16000, header.getInt(24), "sample rate");
        assertEquals(16000 * 4, header.getInt(28), "byte rate");
        short[][] lr = channels(r.path());
        assertEquals(3 * 320, lr[0].length);
        for (int i = 0; i < 3 * 320; i++) {
            assertEquals(caller[i / 320][i % 320], lr[0][i], "caller sample " + i);
            assertEquals(i < 320 ? bot[0][i] : 0, lr[1][i], "bot sample " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyG711SampleComesBackExactlyOnItsSide(boolean ulaw) throws Exception {
        CallRecorder r = new CallRecorder(dir.resolve("call.wav"), ulaw);
        short[][] caller = everyCode(ulaw);
        // The bot's side as sent: every code again, in reverse so the sides differ, behind a 12-byte RTP header.
        byte[] sent = new byte[12 + 2 * CallRecorder.FRAME];
        for (int i = 0; i < 2 * CallRecorder.FRAME; i++) {
            sent[12 + i] = (byte) (255 - (i & 0xFF));
        }
        for (int f = 0; f < 2; f++) {
            r.caller(caller[f]);
            r.bot(sent, 12 + f * CallRecorder.FRAME, ulaw);
        }
        r.finish();
        assertTrue(r.drain(), "finished and closed");
        short[][] lr = channels(r.path());
        assertEquals(2 * CallRecorder.FRAME, lr[0].length);
        for (int i = 0; i < 2 * CallRecorder.FRAME; i++) {
            assertEquals(caller[i / CallRecorder.FRAME][i % CallRecorder.FRAME], lr[0][i], "caller sample " + i);
            byte code = sent[12 + i];
            assertEquals(ulaw ? G711.ulawToLinear(code) : G711.alawToLinear(code), lr[1][i], "bot sample " + i);
        }
    }

    @Test
    void botCodesInTheOtherLawAreConvertedAsTheCallerWouldHaveHeardThem() throws Exception {
        CallRecorder r = new CallRecorder(dir.resolve("relaw.wav"), true); // the call began in PCMU
        byte[] alaw = new byte[CallRecorder.FRAME];
        for (int i = 0; i < alaw.length; i++) {
            alaw[i] = (byte) i;
        }
        r.caller(new short[CallRecorder.FRAME]);
        r.bot(alaw, 0, false); // and moved to PCMA
        r.finish();
        assertTrue(r.drain());
        short[][] lr = channels(r.path());
        for (int i = 0; i < CallRecorder.FRAME; i++) {
            assertEquals(G711.ulawToLinear(G711.linearToUlaw(G711.alawToLinear(alaw[i]))), lr[1][i], "bot sample " + i);
        }
    }

    @Test
    void slotsWithoutBotAudioAndTheSideThatFellBehindAreSilence() throws Exception {
        CallRecorder r = new CallRecorder(dir.resolve("lag.wav"), true);
        short[] loud = new short[CallRecorder.FRAME];
        java.util.Arrays.fill(loud, (short) 8000);
        for (int f = 0; f < 3; f++) {
            r.caller(loud);
        }
        byte[] loudCodes = new byte[CallRecorder.FRAME];
        java.util.Arrays.fill(loudCodes, G711.linearToUlaw((short) 8000));
        r.bot(loudCodes, 0, true);
        r.botSilence(); // a telephone-event's slot
        r.finish();
        assertTrue(r.drain());
        short[][] lr = channels(r.path());
        assertEquals(3 * CallRecorder.FRAME, lr[0].length, "as long as the longer side");
        short coded = G711.ulawToLinear(G711.linearToUlaw((short) 8000));
        assertEquals(coded, lr[0][3 * CallRecorder.FRAME - 1], "the caller's last sample, through G.711");
        assertEquals(coded, lr[1][CallRecorder.FRAME - 1]);
        assertEquals(0, lr[1][CallRecorder.FRAME], "a slot without bot audio is silence");
        assertEquals(0, lr[1][2 * CallRecorder.FRAME], "so is the frame the bot never got to");
        assertEquals(0, lr[1][3 * CallRecorder.FRAME - 1]);
    }
}
