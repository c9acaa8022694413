package dev.patchbay.media.app;

/**
 * The addresses this node publishes: in its registry row, and (gRPC) in every offer, which is how
 * call records name their node. Explicit {@code patchbay.node.*} keys win; otherwise the public
 * address {@code patchbay.rtp.advertise}, else the bind address unless it is a wildcard, else loopback.
 */
record FleetAddresses(String nodeId, String sip, String rtp, String grpc) {

    static FleetAddresses of(MediaConfig config, int grpcPort) {
        String advertise = config.rtpAdvertise();
        String sip = !config.fleet().sipAddress().isEmpty() ? config.fleet().sipAddress()
                : host(advertise, config.sipHost()) + ":" + config.sipPort();
        String rtp = host(advertise, config.rtpHost());
        String grpc = !config.fleet().grpcAddress().isEmpty() ? config.fleet().grpcAddress()
                : host(advertise, config.grpcHost()) + ":" + grpcPort;
        String id = config.fleet().nodeId().isEmpty() ? sip : config.fleet().nodeId();
        return new FleetAddresses(id, sip, rtp, grpc);
    }

    private static String host(String advertise, String bind) {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        return bind.isEmpty() || "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
    }
}
