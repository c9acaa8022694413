package dev.patchbay.agents.contacts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.agents.numbers.PhoneNumbers;
import dev.patchbay.agents.session.AgentSession;
import dev.patchbay.agents.account.SessionsApi;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §5: a session's address book. A contact lives in its session, so a contact of another
 * workspace is 404 and one of another agent or token is 403, as for sessions.
 */
public final class ContactsApi {

    static final int NAME_MAX = 200;
    static final int LABELS_MAX = 20;
    static final int LABEL_MAX = 64;
    static final int NOTES_MAX = 4096;
    static final int METADATA_MAX = 8192;
    private static final int PAGE_MAX = 1000;
    private static final List<String> FIELDS = List.of("session_id", "name", "phone_number", "labels", "notes", "metadata");
    // Only reads stored JSON back; built once and never reconfigured.
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionsApi sessions;
    private final ContactStore store;
    private final Clock clock;

    public ContactsApi(SessionsApi sessions, ContactStore store, Clock clock) {
        this.sessions = sessions;
        this.store = store;
        this.clock = clock;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/contacts", this::create)
                .get(AgentAuth.PREFIX + "/contacts", this::list)
                .get(AgentAuth.PREFIX + "/contacts/{contact_id}", this::get)
                .put(AgentAuth.PREFIX + "/contacts/{contact_id}", this::update)
                .delete(AgentAuth.PREFIX + "/contacts/{contact_id}", this::delete);
    }

    /** The fields a request sets; absent ones stay as they are on update. */
    private record Fields(Optional<String> name, Optional<String> phone, Optional<List<String>> labels,
                          Optional<String> notes, boolean notesGiven, Optional<String> metadata, boolean metadataGiven) { }

    private void create(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, FIELDS);
        Optional<String> sessionId = body.string("session_id");
        Fields f = fields(body, true);
        AgentSession s = sessions.open(req, sessionId.orElse(null));
        Instant now = clock.instant();
        Contact c = new Contact(SessionTokens.newId("cnt"), s.id(), f.name().orElseThrow(), f.phone().orElseThrow(),
                f.labels().orElse(List.of()), f.notes().orElse(null), f.metadata().orElse(null), now, now, 0, null);
        store.insert(c);
        res.header("Location", AgentAuth.PREFIX + "/contacts/" + c.id());
        ApiJson.send(res, Status.CREATED_201, view(c));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AgentSession s = sessions.session(req, req.query().first("session_id").orElse(null));
        String label = req.query().first("label").orElse(null);
        List<FieldError> errors = new ArrayList<>();
        int limit = number(req, "limit", 100, 1, PAGE_MAX, errors);
        int offset = number(req, "offset", 0, 0, Integer.MAX_VALUE, errors);
        if (label != null && (label.isEmpty() || label.contains(","))) {
            errors.add(new FieldError("label", "must be a label: 1 to 64 characters without a comma"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the query has invalid parameters", errors);
        }
        ContactStore.Page page = store.list(s.id(), req.query().first("search").orElse(null), label, limit, offset);
        ObjectNode out = ApiJson.object();
        ArrayNode contacts = out.putArray("contacts");
        page.contacts().forEach(c -> contacts.add(view(c)));
        out.put("total", page.total());
        ApiJson.send(res, Status.OK_200, out);
    }

    private void get(ServerRequest req, ServerResponse res) {
        ApiJson.send(res, Status.OK_200, view(scoped(req, false)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        JsonBody body = ApiJson.read(req, FIELDS);
        Optional<String> sessionId = body.string("session_id");
        Fields f = fields(body, false);
        Contact current = scoped(req, true);
        if (sessionId.isPresent() && !sessionId.get().equals(current.sessionId())) {
            throw ProblemException.invalid("a contact stays in its session", List.of(new FieldError("session_id",
                    "must be the contact's session, " + current.sessionId() + ", or left out")));
        }
        Instant now = clock.instant();
        Contact c = store.update(current.id(), old -> new Contact(old.id(), old.sessionId(), f.name().orElse(old.name()),
                f.phone().orElse(old.phoneNumber()), f.labels().orElse(old.labels()),
                f.notesGiven() ? f.notes().orElse(null) : old.notes(),
                f.metadataGiven() ? f.metadata().orElse(null) : old.metadataJson(), old.createdAt(), now, old.callCount(),
                old.lastCalled())).orElseThrow(() -> notFound(current.id()));
        // Reread: a changed number changes which calls count.
        ApiJson.send(res, Status.OK_200, view(store.find(c.id()).map(ContactStore.Scoped::contact).orElse(c)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Contact c = scoped(req, true);
        if (!store.delete(c.id())) {
            throw notFound(c.id());
        }
        ApiJson.send(res, Status.OK_200, ApiJson.object().put("success", true).put("contact_id", c.id()));
    }

    /** The path's contact if the caller may see it ({@code write}: and change it, which needs an open session). */
    private Contact scoped(ServerRequest req, boolean write) {
        String id = req.path().pathParameters().get("contact_id");
        Agent agent = AgentAuth.agent(req);
        ContactStore.Scoped found = store.find(id).filter(f -> f.workspaceId().equals(agent.workspaceId()))
                .orElseThrow(() -> notFound(id));
        if (write) {
            sessions.open(req, found.contact().sessionId());
        } else {
            sessions.session(req, found.contact().sessionId());
        }
        return found.contact();
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("there is no contact " + id, "contact_id");
    }

    /** Reads and judges the contact fields; on create, name and phone_number are required. */
    private static Fields fields(JsonBody body, boolean create) {
        Optional<String> name = body.string("name");
        Optional<String> phone = body.string("phone_number");
        Optional<List<String>> labels = body.stringList("labels");
        Optional<String> notes = body.string("notes");
        Optional<ObjectNode> metadata = body.object("metadata");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        if (create && !body.node().hasNonNull("session_id")) {
            errors.add(new FieldError("session_id", "is required"));
        }
        Optional<String> cleanName = name.map(String::strip);
        if (cleanName.map(String::isEmpty).orElse(create) || cleanName.map(n -> n.length() > NAME_MAX).orElse(false)) {
            errors.add(new FieldError("name", "is required: 1 to " + NAME_MAX + " characters"));
        }
        Optional<String> e164 = Optional.empty();
        if (phone.isPresent() || create) {
            try {
                e164 = Optional.of(PhoneNumbers.e164(phone.orElse(null), "phone_number"));
            } catch (ProblemException e) {
                errors.addAll(e.errors());
            }
        }
        Optional<List<String>> cleanLabels = labels.map(l -> labels(l, errors));
        if (notes.isPresent() && notes.get().length() > NOTES_MAX) {
            errors.add(new FieldError("notes", "must be at most " + NOTES_MAX + " characters"));
        }
        Optional<String> metadataJson = metadata.map(ObjectNode::toString);
        if (metadataJson.isPresent() && metadataJson.get().length() > METADATA_MAX) {
            errors.add(new FieldError("metadata", "must be at most " + METADATA_MAX + " characters of JSON"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the contact has invalid fields", errors);
        }
        return new Fields(cleanName, e164, cleanLabels, notes, body.node().has("notes"), metadataJson,
                body.node().has("metadata"));
    }

    /** Labels stripped and de-duplicated in order; commas are the stored separator, so none may hold one. */
    private static List<String> labels(List<String> given, List<FieldError> errors) {
        if (given.size() > LABELS_MAX) {
            errors.add(new FieldError("labels", "must hold at most " + LABELS_MAX + " labels"));
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String l = given.get(i).strip();
            if (l.isEmpty() || l.length() > LABEL_MAX || l.contains(",")) {
                errors.add(new FieldError("labels[" + i + "]", "must be 1 to " + LABEL_MAX + " characters without a comma"));
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    private static int number(ServerRequest req, String name, int fallback, int min, int max, List<FieldError> errors) {
        Optional<String> v = req.query().first(name).asOptional();
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
        return fallback;
    }

    static ObjectNode view(Contact c) {
        ObjectNode o = ApiJson.object().put("contact_id", c.id()).put("session_id", c.sessionId()).put("name", c.name())
                .put("phone_number", c.phoneNumber());
        ArrayNode labels = o.putArray("labels");
        c.labels().forEach(labels::add);
        o.put("notes", c.notes());
        try {
            o.set("metadata", c.metadataJson() == null ? null : JSON.readTree(c.metadataJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("contact " + c.id() + " has stored metadata that is not JSON", e);
        }
        o.put("last_called", c.lastCalled() == null ? null : c.lastCalled().toString()).put("call_count", c.callCount())
                .put("created_at", c.createdAt().toString()).put("updated_at", c.updatedAt().toString());
        return o;
    }
}
