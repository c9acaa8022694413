package dev.patchbay.control.wss;

import java.util.Arrays;

/**
 * A strict, allocation-free scan of one JSON text that notes where a few members' values are: top-level
 * members, and members of those members. It accepts only what it is sure Jackson's tree parser reads the
 * same way (strict RFC 8259, ASCII, no escapes in names, nesting up to {@value #MAX_DEPTH}); for anything
 * else {@link #scan} answers false and the caller parses the tree instead, so the two never disagree.
 * As in Jackson's tree, the last of duplicate members wins. One instance per bridge; not thread-safe.
 */
final class JsonScan {

    static final int MISSING = 0;
    static final int STRING = 1;
    /** A string with escapes: its raw text is not its value. */
    static final int ESCAPED = 2;
    static final int OBJECT = 3;
    /** An integer literal, digits only (no sign, fraction or exponent), at most 9 digits. */
    static final int INTEGER = 4;
    static final int OTHER = 5;

    private static final int MAX_DEPTH = 32;
    private static final int MAX_NUMBER = 64;

    private final String[] names;
    private final int[] parents;
    private final int[] kinds;
    private final int[] starts;
    private final int[] ends;
    private CharSequence s;
    private int pos;
    private int length;
    private boolean escaped;

    /**
     * @param paths each a member name, or "parent.name" for a member of a top-level member's object; a
     *              parent must come before its children
     */
    JsonScan(String... paths) {
        int n = paths.length;
        names = new String[n];
        parents = new int[n];
        kinds = new int[n];
        starts = new int[n];
        ends = new int[n];
        for (int i = 0; i < n; i++) {
            int dot = paths[i].indexOf('.');
            names[i] = dot < 0 ? paths[i] : paths[i].substring(dot + 1);
            parents[i] = dot < 0 ? -1 : indexOf(paths, paths[i].substring(0, dot), i);
        }
    }

    private static int indexOf(String[] paths, String parent, int before) {
        for (int i = 0; i < before; i++) {
            if (paths[i].equals(parent)) {
                return i;
            }
        }
        throw new IllegalArgumentException("JsonScan path parent '" + parent + "' must be listed before its members");
    }

    /** Scans {@code text}; false when it is not a JSON object this scan is sure about (parse the tree then). */
    boolean scan(CharSequence text) {
        s = text;
        pos = 0;
        length = text.length();
        Arrays.fill(kinds, MISSING);
        ws();
        boolean ok = pos < length && s.charAt(pos) == '{' && object(0, -1);
        ws();
        s = null;
        return ok && pos == length;
    }

    /** The kind of path {@code i}'s value, of the constants above. */
    int kind(int i) {
        return kinds[i];
    }

    /** Where path {@code i}'s value starts; for strings, after the opening quote. */
    int start(int i) {
        return starts[i];
    }

    /** Where path {@code i}'s value ends; for strings, at the closing quote. */
    int end(int i) {
        return ends[i];
    }

    /** True when path {@code i} is an unescaped string equal to {@code value}. */
    boolean is(CharSequence text, int i, String value) {
        return kinds[i] == STRING && ends[i] - starts[i] == value.length() && startsWith(text, i, value);
    }

    /** True when path {@code i} is an unescaped string starting with {@code prefix}. */
    boolean startsWith(CharSequence text, int i, String prefix) {
        if (kinds[i] != STRING || ends[i] - starts[i] < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(starts[i] + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The value of an {@link #INTEGER} path. */
    int integer(CharSequence text, int i) {
        int v = 0;
        for (int k = starts[i]; k < ends[i]; k++) {
            v = v * 10 + text.charAt(k) - '0';
        }
        return v;
    }

    /** An unescaped string path's value, allocated: for the rare messages that need one. */
    String string(CharSequence text, int i) {
        return text.subSequence(starts[i], ends[i]).toString();
    }

    private boolean object(int depth, int owner) {
        if (depth >= MAX_DEPTH) {
            return false;
        }
        pos++; // '{'
        ws();
        if (at('}')) {
            pos++;
            return true;
        }
        while (true) {
            if (!at('"')) {
                return false;
            }
            int nameStart = pos + 1;
            if (!string() || escaped) {
                return false;
            }
            int slot = depth == 0 ? match(-1, nameStart, pos - 1) : depth == 1 && owner >= 0 ? match(owner, nameStart, pos - 1) : -1;
            ws();
            if (!at(':')) {
                return false;
            }
            pos++;
            ws();
            if (slot >= 0) {
                forgetMembers(slot); // a later duplicate replaces the whole value, members included
            }
            int valueStart = pos;
            int kind = value(depth + 1, depth == 0 ? slot : -1);
            if (kind == MISSING) {
                return false;
            }
            if (slot >= 0) {
                kinds[slot] = kind;
                boolean quoted = kind == STRING || kind == ESCAPED;
                starts[slot] = quoted ? valueStart + 1 : valueStart;
                ends[slot] = quoted ? pos - 1 : pos;
            }
            ws();
            if (at(',')) {
                pos++;
                ws();
            } else if (at('}')) {
                pos++;
                return true;
            } else {
                return false;
            }
        }
    }

    private void forgetMembers(int slot) {
        for (int i = 0; i < parents.length; i++) {
            if (parents[i] == slot) {
                kinds[i] = MISSING;
            }
        }
    }

    private int match(int parent, int from, int to) {
        for (int i = 0; i < names.length; i++) {
            if (parents[i] == parent && names[i].length() == to - from && regionEquals(names[i], from)) {
                return i;
            }
        }
        return -1;
    }

    private boolean regionEquals(String name, int from) {
        for (int k = 0; k < name.length(); k++) {
            if (s.charAt(from + k) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** One value; its kind, or MISSING when it is not strict JSON. */
    private int value(int depth, int owner) {
        if (pos >= length) {
            return MISSING;
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> {
                return object(depth, owner) ? OBJECT : MISSING;
            }
            case '[' -> {
                return array(depth) ? OTHER : MISSING;
            }
            case '"' -> {
                return !string() ? MISSING : escaped ? ESCAPED : STRING;
            }
            case 't' -> {
                return literal("true") ? OTHER : MISSING;
            }
            case 'f' -> {
                return literal("false") ? OTHER : MISSING;
            }
            case 'n' -> {
                return literal("null") ? OTHER : MISSING;
            }
            default -> {
                return number();
            }
        }
    }

    private boolean array(int depth) {
        if (depth >= MAX_DEPTH) {
            return false;
        }
        pos++; // '['
        ws();
        if (at(']')) {
            pos++;
            return true;
        }
        while (true) {
            if (value(depth + 1, -1) == MISSING) {
                return false;
            }
            ws();
            if (at(',')) {
                pos++;
                ws();
            } else if (at(']')) {
                pos++;
                return true;
            } else {
                return false;
            }
        }
    }

    /** A string from its opening quote; sets {@link #escaped}. Only ASCII: anything else goes to Jackson. */
    private boolean string() {
        pos++;
        escaped = false;
        while (pos < length) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return true;
            }
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
            if (c == '\\') {
                escaped = true;
                if (pos >= length) {
                    return false;
                }
                char e = s.charAt(pos++);
                if (e == 'u') {
                    for (int k = 0; k < 4; k++) {
                        if (pos >= length || Character.digit(s.charAt(pos++), 16) < 0) {
                            return false;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return false;
                }
            }
        }
        return false;
    }

    private boolean literal(String word) {
        if (pos + word.length() > length) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (s.charAt(pos + k) != word.charAt(k)) {
                return false;
            }
        }
        pos += word.length();
        return pos >= length || !Character.isLetterOrDigit(s.charAt(pos));
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private int number() {
        int start = pos;
        boolean plain = true;
        if (at('-')) {
            pos++;
            plain = false;
        }
        if (at('0')) {
            pos++;
        } else if (digit()) {
            while (digit()) {
                pos++;
            }
        } else {
            return MISSING;
        }
        if (at('.')) {
            pos++;
            plain = false;
            if (!digits()) {
                return MISSING;
            }
        }
        if (at('e') || at('E')) {
            pos++;
            plain = false;
            if (at('+') || at('-')) {
                pos++;
            }
            if (!digits()) {
                return MISSING;
            }
        }
        int n = pos - start;
        if (n > MAX_NUMBER || pos < length && Character.isLetterOrDigit(s.charAt(pos))) {
            return MISSING;
        }
        return plain && n <= 9 ? INTEGER : OTHER;
    }

    private boolean digits() {
        if (!digit()) {
            return false;
        }
        while (digit()) {
            pos++;
        }
        return true;
    }

    private boolean digit() {
        return pos < length && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
    }

    private boolean at(char c) {
        return pos < length && s.charAt(pos) == c;
    }

    private void ws() {
        while (pos < length) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
