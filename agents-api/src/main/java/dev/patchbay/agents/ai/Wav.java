package dev.patchbay.agents.ai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** What a RIFF/WAVE header says about PCM audio; enough to give a clip's duration. */
record Wav(int channels, int sampleRate, int bitsPerSample, long dataBytes) {

    double seconds() {
        return (double) dataBytes / ((long) sampleRate * channels * (bitsPerSample / 8));
    }

    /** Reads the fmt and data chunks; a file that is not PCM WAV is an IllegalArgumentException. */
    static Wav parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || !tag(file, 0).equals("RIFF") || !tag(file, 8).equals("WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        int pos = 12;
        Integer channels = null;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= file.length) {
            String id = tag(file, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (b.getShort(body) != 1) {
                    throw new IllegalArgumentException("not PCM (format " + b.getShort(body) + ")");
                }
                channels = (int) b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
            } else if (id.equals("data")) {
                if (channels == null || rate <= 0 || bits <= 0) {
                    throw new IllegalArgumentException("data before a usable fmt chunk");
                }
                // A streamed header may not know the size; what is there is the data.
                long available = file.length - body;
                return new Wav(channels, rate, bits, Math.min(size, available));
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IllegalArgumentException("no data chunk");
    }

    private static String tag(byte[] file, int at) {
        return new String(file, at, 4, StandardCharsets.US_ASCII);
    }
}
