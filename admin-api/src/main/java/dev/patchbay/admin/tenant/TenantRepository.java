package dev.patchbay.admin.tenant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where tenants are kept. Constraint outcomes the API must answer precisely (a taken number, a
 * bot still in use) come back as results, because only the database can decide them race-free.
 */
public interface TenantRepository {

    /** Runs {@code work} against a repository bound to one transaction: all of it commits, or none. */
    <T> T inTransaction(Function<TenantRepository, T> work);

    /** Whether the database answers. */
    boolean ping();

    void insertWorkspace(Workspace workspace);

    List<Workspace> workspaces();

    Optional<Workspace> workspace(String id);

    void insertBot(Bot bot);

    List<Bot> bots(String workspaceId);

    Optional<Bot> bot(String workspaceId, String botId);

    BotDelete deleteBot(String workspaceId, String botId);

    DidInsert insertDid(Did did);

    List<Did> dids(String workspaceId);

    Optional<Did> did(String workspaceId, String didId);

    Optional<Did> didByNumber(String number);

    List<Did> didsOfBot(String botId);

    /** Whether a DID was deleted. */
    boolean deleteDid(String workspaceId, String didId);

    void insertApiKey(ApiKey key);

    List<ApiKey> apiKeys(String workspaceId);

    Optional<ApiKey> apiKey(String workspaceId, String keyId);

    /** Whether the workspace has such a key; a key revoked before keeps its first revocation time. */
    boolean revokeApiKey(String workspaceId, String keyId, Instant at);

    /** Whether the workspace exists. */
    boolean setWebhookSecret(String workspaceId, String secret);

    void insertTrunk(Trunk trunk);

    List<Trunk> trunks(String workspaceId);

    Optional<Trunk> trunk(String workspaceId, String trunkId);

    /** Replaces an inbound trunk's admission rules; whether the trunk exists. */
    boolean updateInboundTrunk(String workspaceId, String trunkId, TrunkSide.Inbound rules);

    /** Whether a trunk was deleted. */
    boolean deleteTrunk(String workspaceId, String trunkId);

    enum DidInsert { CREATED, NUMBER_TAKEN, BOT_GONE }

    enum BotDelete { DELETED, NOT_FOUND, IN_USE }
}
