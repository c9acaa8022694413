package dev.patchbay.agents.transcripts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.rest.ApiJson;

/**
 * One recognized utterance of a call, in the seed's words: who spoke, what, when (seconds from the
 * start of the call) and how sure the recognizer was. {@code language} is null when the bot did
 * not say.
 */
public record Segment(String speaker, String text, double timestamp, double confidence, String language) {

    /** The seed's transcript entry; language only when known. */
    public ObjectNode json() {
        ObjectNode o = ApiJson.object().put("speaker", speaker).put("text", text).put("timestamp", timestamp)
                .put("confidence", confidence);
        if (language != null) {
            o.put("language", language);
        }
        return o;
    }
}
