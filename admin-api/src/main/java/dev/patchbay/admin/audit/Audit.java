package dev.patchbay.admin.audit;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.rest.ApiJson;

/**
 * Makes audit entries. The diff is computed from the resources' API representations, which by
 * construction never hold a secret (only {@code has_password}, never a key), so redaction cannot
 * be forgotten field by field. Fields whose name suggests a secret are dropped anyway, as a
 * second line of defence should a representation ever gain one.
 */
public final class Audit {

    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";
    public static final String ROTATE = "rotate";
    public static final String REVOKE = "revoke";

    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "key", "token", "authorization");

    private final Clock clock;
    private final Ids ids;

    public Audit(Clock clock, Ids ids) {
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * An entry for a change from {@code before} to {@code after} (either null for a create or delete).
     */
    public AuditEntry entry(Principal by, String workspaceId, String type, String resourceId, String action,
                            JsonNode before, JsonNode after) {
        return new AuditEntry(ids.next("aud_"), workspaceId, by.actor(), type, resourceId, action,
                diff(before, after).toString(), clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** {@code {"field": [before, after]}} for every field that differs. */
    static ObjectNode diff(JsonNode before, JsonNode after) {
        ObjectNode diff = ApiJson.object();
        Set<String> fields = new LinkedHashSet<>();
        names(before, fields);
        names(after, fields);
        for (String f : fields) {
            JsonNode b = value(before, f);
            JsonNode a = value(after, f);
            if (!Objects.equals(b, a) && !secretLike(f)) {
                ArrayNode pair = diff.putArray(f);
                pair.add(b);
                pair.add(a);
            }
        }
        return diff;
    }

    static boolean secretLike(String field) {
        if (field.startsWith("has_")) {
            return false;
        }
        for (String word : field.split("_")) {
            if (SECRET_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static void names(JsonNode node, Set<String> into) {
        if (node != null) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                into.add(it.next());
            }
        }
    }

    private static JsonNode value(JsonNode node, String field) {
        return node == null || !node.has(field) ? NullNode.getInstance() : node.get(field);
    }
}
