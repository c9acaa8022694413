package dev.patchbay.control.wss;

import java.nio.ByteBuffer;

/**
 * The one message a bridge is about to send, in buffers reused for the life of the bridge. Safe because the
 * JDK WebSocket allows one outstanding send and the bridge waits for it before encoding the next message.
 */
final class OutFrame {

    private final StringBuilder text = new StringBuilder(1024);
    private ByteBuffer binary = ByteBuffer.allocate(640);
    private boolean isBinary;

    /** The text buffer, emptied, for a text frame. */
    StringBuilder text() {
        text.setLength(0);
        isBinary = false;
        return text;
    }

    /** The binary buffer, cleared and at least {@code size} bytes, for a binary frame; the writer flips it. */
    ByteBuffer binary(int size) {
        if (binary.capacity() < size) {
            binary = ByteBuffer.allocate(size);
        }
        binary.clear();
        isBinary = true;
        return binary;
    }

    boolean isBinary() {
        return isBinary;
    }

    CharSequence textFrame() {
        return text;
    }

    ByteBuffer binaryFrame() {
        return binary;
    }
}
