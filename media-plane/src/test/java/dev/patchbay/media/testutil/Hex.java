package dev.patchbay.media.testutil;

import java.util.HexFormat;

/** Wire bytes written the way captures show them: hex pairs, any whitespace between. */
public final class Hex {

    private Hex() {
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }
}
