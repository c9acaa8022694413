package dev.patchbay.media.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Opus packets in and out of Ogg (RFC 7845), so FFmpeg's libopus, an implementation independent of
 * the one Patchbay uses, can make a caller's packets and hear ours. Each packet gets its own page.
 */
public final class OggOpus {

    private static final int[] CRC = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
            }
            CRC[i] = r;
        }
    }

    private OggOpus() {
    }

    /** The Opus packets of an Ogg Opus file, without its OpusHead and OpusTags headers. */
    public static List<byte[]> packets(byte[] ogg) {
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int at = 0;
        while (at + 27 <= ogg.length) {
            if (ogg[at] != 'O' || ogg[at + 1] != 'g' || ogg[at + 2] != 'g' || ogg[at + 3] != 'S') {
                throw new IllegalArgumentException("no Ogg page at byte " + at);
            }
            int segments = ogg[at + 26] & 0xFF;
            int body = at + 27 + segments;
            for (int s = 0; s < segments; s++) {
                int len = ogg[at + 27 + s] & 0xFF;
                partial.write(ogg, body, len);
                body += len;
                if (len < 255) {
                    packets.add(partial.toByteArray());
                    partial.reset();
                }
            }
            at = body;
        }
        return packets.subList(2, packets.size()); // OpusHead, OpusTags
    }

    /** An Ogg Opus file of mono 20 ms {@code packets}, as RFC 7845 lays it out (pre-skip 312). */
    public static byte[] file(List<byte[]> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int serial = 0x0A7E;
        byte[] head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 0x01, (byte) 0x80, 0x3E, 0, 0, 0, 0, 0};
        page(out, serial, 0, 0x02, 0, head);
        byte[] tags = {'O', 'p', 'u', 's', 'T', 'a', 'g', 's', 0, 0, 0, 0, 0, 0, 0, 0};
        page(out, serial, 1, 0, 0, tags);
        long granule = 0;
        for (int i = 0; i < packets.size(); i++) {
            granule += 960;
            page(out, serial, i + 2, i == packets.size() - 1 ? 0x04 : 0, granule, packets.get(i));
        }
        return out.toByteArray();
    }

    /** 16 kHz mono samples of {@code packets}, decoded by FFmpeg (libopus) in {@code dir}. */
    public static short[] decodeWithFfmpeg(Path dir, List<byte[]> packets) throws IOException, InterruptedException {
        Path in = dir.resolve("heard.opus");
        Path pcm = dir.resolve("heard.s16le");
        Files.write(in, file(packets));
        Ffmpeg.run(List.of("-c:a", "libopus", "-i", in.toString(), "-ar", "16000", "-ac", "1", "-f", "s16le", pcm.toString()));
        byte[] b = Files.readAllBytes(pcm);
        short[] s = new short[b.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
        }
        return s;
    }

    /**
     * The 20 ms packets of FFmpeg's libopus encoding {@code lavfiSource} as a VoIP caller with in-band
     * FEC would (16 kHz mono, 32 kbit/s, FEC sized for 20 % loss).
     */
    public static List<byte[]> encodeWithFfmpeg(Path dir, String lavfiSource) throws IOException, InterruptedException {
        Path out = dir.resolve("caller.opus");
        Ffmpeg.run(List.of("-f", "lavfi", "-i", lavfiSource, "-ac", "1", "-c:a", "libopus", "-application", "voip",
                "-b:a", "32k", "-frame_duration", "20", "-fec", "1", "-packet_loss", "20", out.toString()));
        return packets(Files.readAllBytes(out));
    }

    private static void page(ByteArrayOutputStream out, int serial, int sequence, int flags, long granule, byte[] packet) {
        int segments = packet.length / 255 + 1;
        byte[] p = new byte[27 + segments + packet.length];
        p[0] = 'O';
        p[1] = 'g';
        p[2] = 'g';
        p[3] = 'S';
        p[5] = (byte) flags;
        for (int i = 0; i < 8; i++) {
            p[6 + i] = (byte) (granule >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            p[14 + i] = (byte) (serial >>> (8 * i));
            p[18 + i] = (byte) (sequence >>> (8 * i));
        }
        p[26] = (byte) segments;
        Arrays.fill(p, 27, 27 + segments - 1, (byte) 255);
        p[27 + segments - 1] = (byte) (packet.length % 255);
        System.arraycopy(packet, 0, p, 27 + segments, packet.length);
        int crc = 0;
        for (byte b : p) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ b) & 0xFF];
        }
        for (int i = 0; i < 4; i++) {
            p[22 + i] = (byte) (crc >>> (8 * i));
        }
        out.writeBytes(p);
    }
}
