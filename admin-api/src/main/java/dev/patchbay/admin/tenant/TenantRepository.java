package dev.patchbay.admin.tenant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.patchbay.admin.audit.AuditEntry;
import dev.patchbay.admin.http.PageRequest;

/**
 * Where tenants are kept. Constraint outcomes the API must answer precisely (a taken number, a
 * bot still in use) come back as results, because only the database can decide them race-free.
 * Lists return up to {@link PageRequest#fetch()} rows after the request's cursor, oldest first.
 */
public interface TenantRepository {

    /** Runs {@code work} against a repository bound to one transaction: all of it commits, or none. */
    <T> T inTransaction(Function<TenantRepository, T> work);

    /** Whether the database answers. */
    boolean ping();

    /** Records a change; call it on the transaction that makes the change. */
    void insertAudit(AuditEntry entry);

    void insertWorkspace(Workspace workspace);

    List<Workspace> workspaces(PageRequest page);

    Optional<Workspace> workspace(String id);

    /** The row, locked until the transaction ends: for read-check-write updates. */
    Optional<Workspace> workspaceForUpdate(String id);

    void updateWorkspace(Workspace workspace);

    void insertBot(Bot bot);

    List<Bot> bots(String workspaceId, PageRequest page);

    Optional<Bot> bot(String workspaceId, String botId);

    /** The bot, locked for a check-then-write in this transaction. */
    Optional<Bot> botForUpdate(String workspaceId, String botId);

    /** Writes everything but id, workspace, kind and created_at. */
    void updateBot(Bot bot);

    BotDelete deleteBot(String workspaceId, String botId);

    DidInsert insertDid(Did did);

    List<Did> dids(String workspaceId, PageRequest page);

    Optional<Did> did(String workspaceId, String didId);

    /** The row, locked until the transaction ends. */
    Optional<Did> didForUpdate(String workspaceId, String didId);

    /** Points a DID at another bot; {@code BOT_GONE} if that bot was deleted meanwhile. */
    DidInsert updateDidBot(String workspaceId, String didId, String botId);

    /** Sets or (null) clears a DID's early-media override (V14). */
    void updateDidEarlyMedia(String workspaceId, String didId, EarlyMediaChoice earlyMedia);

    Optional<Did> didByNumber(String number);

    List<Did> didsOfBot(String botId);

    /** Whether a DID was deleted. */
    boolean deleteDid(String workspaceId, String didId);

    void insertApiKey(ApiKey key);

    List<ApiKey> apiKeys(String workspaceId, KeyScope scope, PageRequest page);

    Optional<ApiKey> apiKey(String workspaceId, KeyScope scope, String keyId);

    /** Any key by id, whatever its workspace: for authenticating a presented token. */
    Optional<ApiKey> apiKeyById(String keyId);

    /**
     * Ends a key at {@code at}, unless it already ended before then: revoking twice keeps the first
     * time, and revoking a rotated key ends its overlap now. Whether the workspace has such a key.
     */
    boolean revokeApiKey(String workspaceId, KeyScope scope, String keyId, Instant at);

    /** Schedules the end of a key that has none yet; false if it is missing or already ending. */
    boolean scheduleRevocation(String workspaceId, KeyScope scope, String keyId, Instant at);

    /** Whether the workspace exists. */
    boolean setWebhookSecret(String workspaceId, String secret);

    void insertTrunk(Trunk trunk);

    List<Trunk> trunks(String workspaceId, PageRequest page);

    Optional<Trunk> trunk(String workspaceId, String trunkId);

    /** The trunk, locked until the transaction ends, for a conditional update. */
    Optional<Trunk> trunkForUpdate(String workspaceId, String trunkId);

    /** Replaces an inbound trunk's admission rules; whether the trunk exists. */
    boolean updateInboundTrunk(String workspaceId, String trunkId, TrunkSide.Inbound rules);

    /** Replaces an outbound trunk's settings and credentials with {@code after}'s; whether the trunk exists. */
    boolean updateOutboundTrunk(Trunk after);

    /** Whether a trunk was deleted. */
    boolean deleteTrunk(String workspaceId, String trunkId);

    enum DidInsert { CREATED, NUMBER_TAKEN, BOT_GONE }

    enum BotDelete { DELETED, NOT_FOUND, IN_USE }
}
