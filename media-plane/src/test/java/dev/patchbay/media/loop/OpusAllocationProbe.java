package dev.patchbay.media.loop;

/**
 * Runs {@link OpusCallMediaTest#allocationBytes()} in a JVM of its own (the test starts it without escape
 * analysis) and prints the call's and concentus's bytes on its last line.
 */
final class OpusAllocationProbe {

    private OpusAllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        OpusCallMediaTest test = new OpusCallMediaTest();
        try {
            long[] bytes = test.allocationBytes();
            System.out.println(bytes[0] + " " + bytes[1]);
        } finally {
            test.close();
        }
    }
}
