package dev.patchbay.admin.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;


/**
 * The tenant rules behind the REST API: existence checks, the same-workspace rule for DIDs, and
 * turning the database's constraint outcomes into problems that name the field at fault.
 */
public final class TenantService {

    private final TenantRepository repo;
    private final Clock clock;
    private final Ids ids;

    public TenantService(TenantRepository repo, Clock clock, Ids ids) {
        this.repo = repo;
        this.clock = clock;
        this.ids = ids;
    }

    public Workspace createWorkspace(NewWorkspace req) {
        Workspace w = new Workspace(ids.next("ws_"), req.name(), true, now());
        repo.insertWorkspace(w);
        return w;
    }

    public List<Workspace> workspaces() {
        return repo.workspaces();
    }

    public Workspace workspace(String id) {
        return repo.workspace(id).orElseThrow(() -> ProblemException.notFound(
                "workspace " + id + " does not exist", "workspace_id"));
    }

    /** Takes the workspace already looked up, so the caller can check it before parsing the body. */
    public Bot createBot(Workspace workspace, NewBot req) {
        Bot bot = new Bot(ids.next("bot_"), workspace.id(), req.name(), req.kind(), req.url(), req.dialect(), now());
        repo.insertBot(bot);
        return bot;
    }

    public List<Bot> bots(String workspaceId) {
        workspace(workspaceId);
        return repo.bots(workspaceId);
    }

    public Bot bot(String workspaceId, String botId) {
        workspace(workspaceId);
        return repo.bot(workspaceId, botId).orElseThrow(() -> botNotFound(workspaceId, botId));
    }

    /** Deletes a bot no DID points at; the foreign key decides, so a DID added meanwhile still blocks it. */
    public void deleteBot(String workspaceId, String botId) {
        workspace(workspaceId);
        switch (repo.deleteBot(workspaceId, botId)) {
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
    public Did createDid(Workspace workspace, NewDid req) {
        String workspaceId = workspace.id();
        if (repo.bot(workspaceId, req.botId()).isEmpty()) {
            throw noSuchBot(workspaceId, req.botId());
        }
        Did did = new Did(ids.next("did_"), workspaceId, req.number(), req.botId(), now());
        return switch (repo.insertDid(did)) {
            case CREATED -> did;
            case NUMBER_TAKEN -> throw ProblemException.conflict(
                    "number " + req.number() + " is already a DID; a number can reach only one bot", "number");
            case BOT_GONE -> throw noSuchBot(workspaceId, req.botId());
        };
    }

    public List<Did> dids(String workspaceId) {
        workspace(workspaceId);
        return repo.dids(workspaceId);
    }

    public Did did(String workspaceId, String didId) {
        workspace(workspaceId);
        return repo.did(workspaceId, didId).orElseThrow(() -> didNotFound(workspaceId, didId));
    }

    public void deleteDid(String workspaceId, String didId) {
        workspace(workspaceId);
        if (!repo.deleteDid(workspaceId, didId)) {
            throw didNotFound(workspaceId, didId);
        }
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
