package dev.patchbay.admin.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.patchbay.admin.call.CallSummary;
import dev.patchbay.admin.fleet.MediaNodeClient;
import dev.patchbay.proto.media.v1.CallStatsRequest;
import dev.patchbay.proto.media.v1.CallStatsResponse;
import dev.patchbay.proto.media.v1.MediaPlaneGrpc;
import dev.patchbay.proto.rpc.Unary;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/**
 * One round of CallStats RPCs (contract v1.2, codec since v1.11) for the answered live calls: every node's
 * calls are asked at once, all under one deadline, so a dead or stalled node costs the round at most that
 * deadline and its calls show no figures for it; the other nodes' answers are kept. Unlike
 * {@link MediaNodeClient}'s one channel per button press, a channel per node is kept between rounds (the
 * stream asks twice a second) and closed once the node holds no live call.
 */
final class NodeStatsPoller implements AutoCloseable {

    private final ClientInterceptor token;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    NodeStatsPoller(String clusterToken) {
        this.token = MediaNodeClient.tokenHeader(clusterToken);
    }

    /** Call id to its media figures, for the calls whose node answered within {@code deadline}. */
    Map<String, LiveMedia> poll(List<CallSummary> calls, Duration deadline, double baseDelayMs) {
        Map<String, CompletableFuture<CallStatsResponse>> asked = new HashMap<>();
        Set<String> nodes = new HashSet<>();
        for (CallSummary c : calls) {
            if (c.answeredAt() == null || c.mediaNode() == null || c.mediaNode().isBlank()) {
                continue;
            }
            nodes.add(c.mediaNode());
            asked.put(c.id(), ask(c.mediaNode(), c.id(), deadline));
        }
        for (String idle : new ArrayList<>(channels.keySet())) {
            if (!nodes.contains(idle)) {
                channels.remove(idle).shutdownNow();
            }
        }
        try {
            CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // A node that failed or missed the deadline: its calls have no figures this round; the rest are kept.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, LiveMedia> media = new HashMap<>();
        asked.forEach((id, answer) -> {
            if (answer.isDone() && !answer.isCompletedExceptionally()) {
                media.put(id, LiveMedia.of(answer.join(), baseDelayMs));
            }
        });
        return media;
    }

    private CompletableFuture<CallStatsResponse> ask(String node, String callId, Duration deadline) {
        ManagedChannel channel = channels.computeIfAbsent(node, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
        return Unary.call(MediaPlaneGrpc.newStub(ClientInterceptors.intercept(channel, token))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)::callStats,
                CallStatsRequest.newBuilder().setCallId(callId).build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
