package dev.patchbay.admin.tenant;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code bots.custom_parameters} (V10): a JSON object of strings, null when there are none. */
public final class BotSettingsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BotSettingsJson() {
    }

    public static Map<String, String> read(String column) {
        if (column == null || column.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(column, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bots.custom_parameters is not a JSON object of strings", e);
        }
    }

    public static String write(Map<String, String> params) {
        if (params.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
