package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.admin.audit.Audit;
import dev.patchbay.admin.auth.Access;
import dev.patchbay.admin.auth.Principal;
import dev.patchbay.admin.http.ETags;
import dev.patchbay.admin.http.PageRequest;
import dev.patchbay.admin.http.PageRequest.Page;
import dev.patchbay.admin.ids.Ids;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;


/**
 * The tenant rules behind the REST API: existence checks, the same-workspace rule for DIDs, and
 * turning the database's constraint outcomes into problems that name the field at fault. Every
 * change is written with its audit entry in one transaction.
 */
public final class TenantService {

    private final TenantRepository repo;
    private final Clock clock;
    private final Ids ids;
    private final Audit audit;

    public TenantService(TenantRepository repo, Clock clock, Ids ids, Audit audit) {
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
        this.audit = audit;
    }

    public Workspace createWorkspace(NewWorkspace req, Principal by) {
        Workspace w = new Workspace(ids.next("ws_"), req.name(), true, now());
        return repo.inTransaction(tx -> {
            tx.insertWorkspace(w);
            tx.insertAudit(audit.entry(by, w.id(), "workspace", w.id(), Audit.CREATE, null, TenantJson.workspace(w)));
            return w;
        });
    }

    /** Every workspace for the operator; a workspace key sees only its own. */
    public Page<Workspace> workspaces(PageRequest page, Principal by) {
        if (by instanceof Principal.WorkspaceKey key) {
            List<Workspace> own = repo.workspace(key.workspaceId()).stream()
                    .filter(w -> w.createdAt().isAfter(page.afterTime())
                            || w.createdAt().equals(page.afterTime()) && w.id().compareTo(page.afterId()) > 0)
                    .toList();
            return page.page(own, Workspace::createdAt, Workspace::id);
        }
        return page.page(repo.workspaces(page), Workspace::createdAt, Workspace::id);
    }

    public Workspace workspace(String id) {
        return repo.workspace(id).orElseThrow(() -> Access.workspaceNotFound(id));
    }

    /** Applies a PATCH if {@code ifMatch} names the current representation (see {@link ETags}). */
    public Workspace updateWorkspace(String id, WorkspacePatch patch, Optional<String> ifMatch, Principal by) {
        return repo.inTransaction(tx -> {
            Workspace before = tx.workspaceForUpdate(id).orElseThrow(() -> Access.workspaceNotFound(id));
            ETags.require(ifMatch, TenantJson.workspace(before));
            Workspace after = new Workspace(id, patch.name().orElse(before.name()),
                    patch.enabled().orElse(before.enabled()), before.createdAt());
            if (after.equals(before)) {
                return before;  // nothing changed, so nothing to record
            }
            tx.updateWorkspace(after);
            tx.insertAudit(audit.entry(by, id, "workspace", id, Audit.UPDATE,
                    TenantJson.workspace(before), TenantJson.workspace(after)));
            return after;
        });
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public Bot createBot(Workspace workspace, NewBot req, Principal by) {
        Bot bot = new Bot(ids.next("bot_"), workspace.id(), req.name(), req.kind(), req.url(), req.dialect(),
                req.sampleRate(), req.customParameters(), req.timeouts(), req.earlyMedia(), now());
        return repo.inTransaction(tx -> {
            tx.insertBot(bot);
            tx.insertAudit(audit.entry(by, bot.workspaceId(), "bot", bot.id(), Audit.CREATE, null, TenantJson.bot(bot)));
            return bot;
        });
    }

    public Page<Bot> bots(String workspaceId, PageRequest page) {
        workspace(workspaceId);
        return page.page(repo.bots(workspaceId, page), Bot::createdAt, Bot::id);
    }

    public Bot bot(String workspaceId, String botId) {
        workspace(workspaceId);
        return repo.bot(workspaceId, botId).orElseThrow(() -> botNotFound(workspaceId, botId));
    }

    /** Deletes a bot no DID points at; the foreign key decides, so a DID added meanwhile still blocks it. */
    /**
     * Applies {@code patch} over the bot as stored and judges the result as a whole, exactly as a
     * create would be (so a change of dialect to twilio with a 16 kHz rate names sample_rate). The
     * control-plane reads bots per call, so the next call already sees the change.
     */
    public Bot updateBot(String workspaceId, String botId, JsonBody patch,
                         Optional<String> ifMatch, Principal by) {
        workspace(workspaceId);
        patch.requireShape();
        return repo.inTransaction(tx -> {
            Bot bot = tx.botForUpdate(workspaceId, botId).orElseThrow(() -> botNotFound(workspaceId, botId));
            ObjectNode before = TenantJson.bot(bot);
            ETags.require(ifMatch, before);
            ObjectNode merged = ApiJson.object();
            for (String f : NewBot.FIELDS) {
                if (before.hasNonNull(f)) {
                    merged.set(f, before.get(f));
                }
            }
            patch.node().fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            if (patch.node().has(EarlyMediaChoice.MODE) && !patch.node().has(EarlyMediaChoice.CLIP)
                    && !"clip".equals(patch.node().path(EarlyMediaChoice.MODE).asText())) {
                merged.remove(EarlyMediaChoice.CLIP); // leaving clip for ringback or none drops the stored clip
            }
            NewBot req = NewBot.parse(JsonBody.of(merged, NewBot.FIELDS));
            Bot after = new Bot(bot.id(), bot.workspaceId(), req.name(), bot.kind(), req.url(), req.dialect(),
                    req.sampleRate(), req.customParameters(), req.timeouts(), req.earlyMedia(), bot.createdAt());
            if (TenantJson.bot(after).equals(before)) {
                return bot;  // nothing changed, so nothing to record
            }
            tx.updateBot(after);
            tx.insertAudit(audit.entry(by, workspaceId, "bot", botId, Audit.UPDATE, before, TenantJson.bot(after)));
            return after;
        });
    }

    public void deleteBot(String workspaceId, String botId, Principal by) {
        Bot before = bot(workspaceId, botId);
        TenantRepository.BotDelete outcome = repo.inTransaction(tx -> {
            TenantRepository.BotDelete result = tx.deleteBot(workspaceId, botId);
            if (result == TenantRepository.BotDelete.DELETED) {
                tx.insertAudit(audit.entry(by, workspaceId, "bot", botId, Audit.DELETE, TenantJson.bot(before), null));
            }
            return result;
        });
        switch (outcome) {
            case DELETED -> { }
            case NOT_FOUND -> throw botNotFound(workspaceId, botId);
            case IN_USE -> {
                String dids = repo.didsOfBot(botId).stream()
                        .map(d -> d.id() + " (" + d.number() + ")")
                        .collect(Collectors.joining(", "));
                throw ProblemException.conflict("bot " + botId + " is still the target of DIDs " + dids
                        + "; delete those DIDs or point them at another bot first", "bot_id");
            }
        }
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public Did createDid(Workspace workspace, NewDid req, Principal by) {
        String workspaceId = workspace.id();
        if (repo.bot(workspaceId, req.botId()).isEmpty()) {
            throw noSuchBot(workspaceId, req.botId());
        }
        Did did = new Did(ids.next("did_"), workspaceId, req.number(), req.botId(), req.earlyMedia(), now());
        TenantRepository.DidInsert outcome = repo.inTransaction(tx -> {
            TenantRepository.DidInsert result = tx.insertDid(did);
            if (result == TenantRepository.DidInsert.CREATED) {
                tx.insertAudit(audit.entry(by, workspaceId, "did", did.id(), Audit.CREATE, null, TenantJson.did(did)));
            }
            return result;
        });
        return switch (outcome) {
            case CREATED -> did;
            case NUMBER_TAKEN -> throw ProblemException.conflict(
                    "number " + req.number() + " is already a DID; a number can reach only one bot", "number");
            case BOT_GONE -> throw noSuchBot(workspaceId, req.botId());
        };
    }

    /** Points a DID at another bot of the same workspace, if {@code ifMatch} names its current representation. */
    public Did updateDid(String workspaceId, String didId, DidPatch patch, Optional<String> ifMatch, Principal by) {
        workspace(workspaceId);
        if (patch.botId() != null && repo.bot(workspaceId, patch.botId()).isEmpty()) {
            throw noSuchBot(workspaceId, patch.botId());
        }
        return repo.inTransaction(tx -> {
            Did before = tx.didForUpdate(workspaceId, didId).orElseThrow(() -> didNotFound(workspaceId, didId));
            ETags.require(ifMatch, TenantJson.did(before));
            String botId = patch.botId() != null ? patch.botId() : before.botId();
            EarlyMediaChoice early = patch.setsEarlyMedia() ? patch.earlyMedia() : before.earlyMedia();
            if (before.botId().equals(botId) && Objects.equals(before.earlyMedia(), early)) {
                return before;  // nothing changed, so nothing to record
            }
            if (!before.botId().equals(botId)
                    && tx.updateDidBot(workspaceId, didId, botId) == TenantRepository.DidInsert.BOT_GONE) {
                throw noSuchBot(workspaceId, botId);
            }
            if (!Objects.equals(before.earlyMedia(), early)) {
                tx.updateDidEarlyMedia(workspaceId, didId, early);
            }
            Did after = new Did(didId, workspaceId, before.number(), botId, early, before.createdAt());
            tx.insertAudit(audit.entry(by, workspaceId, "did", didId, Audit.UPDATE, TenantJson.did(before),
                    TenantJson.did(after)));
            return after;
        });
    }

    public Page<Did> dids(String workspaceId, PageRequest page) {
        workspace(workspaceId);
        return page.page(repo.dids(workspaceId, page), Did::createdAt, Did::id);
    }

    public Did did(String workspaceId, String didId) {
        workspace(workspaceId);
        return repo.did(workspaceId, didId).orElseThrow(() -> didNotFound(workspaceId, didId));
    }

    public void deleteDid(String workspaceId, String didId, Principal by) {
        Did before = did(workspaceId, didId);
        repo.inTransaction(tx -> {
            if (!tx.deleteDid(workspaceId, didId)) {
                throw didNotFound(workspaceId, didId);
            }
            tx.insertAudit(audit.entry(by, workspaceId, "did", didId, Audit.DELETE, TenantJson.did(before), null));
            return null;
        });
    }

    private static ProblemException botNotFound(String workspaceId, String botId) {
        return ProblemException.notFound("bot " + botId + " does not exist in workspace " + workspaceId, "bot_id");
    }

    private static ProblemException didNotFound(String workspaceId, String didId) {
        return ProblemException.notFound("DID " + didId + " does not exist in workspace " + workspaceId, "did_id");
    }

    private static ProblemException noSuchBot(String workspaceId, String botId) {
        // The same answer whether the bot is missing or belongs to another tenant: ids do not leak across workspaces.
        return ProblemException.invalid("bot_id " + botId + " is not a bot of workspace " + workspaceId,
                List.of(new FieldError("bot_id",
                        "must name a bot of workspace " + workspaceId)));
    }

    // Truncated to what PostgreSQL stores, so the created resource equals what a later GET returns.
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
