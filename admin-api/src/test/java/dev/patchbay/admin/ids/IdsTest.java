package dev.patchbay.admin.ids;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

    @Test
    void prefixAndTwentyBase62Characters() {
        Ids ids = new Ids(new SecureRandom());
        Set<String> seen = new HashSet<>();
        Set<Character> alphabet = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next("bot_");
            assertTrue(id.matches("bot_[0-9A-Za-z]{20}"), id);
            seen.add(id);
            id.substring(4).chars().forEach(c -> alphabet.add((char) c));
        }
        assertEquals(10_000, seen.size());
        // 200,000 draws from 62 symbols: all must show up, or the mapping skips some.
        assertEquals(62, alphabet.size());
    }
}
