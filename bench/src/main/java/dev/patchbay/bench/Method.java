package dev.patchbay.bench;

/** The report's description of what was measured and how. */
final class Method {

    static final String TEXT = """
            ## Method

            A separate load-generator JVM (`dev.patchbay.bench.LoadGenerator`) starts admin-api, media-plane and
            control-plane as their own JVMs, as `./patchbay up` does (H2 in a scratch var directory, SIP source
            guard off because all load comes from one address). Per step it places N SIP calls over UDP (PCMU
            offer), sends one 20 ms PCMU packet per call every 20 ms from one pacer thread, and matches each echo
            to its send time through a tag in the payload. Targets: DID `echo` (the built-in echo bot over gRPC)
            and a Twilio Media Streams echo bot (a `wss` bot, dialect `twilio`, in the generator's JVM) behind the
            control-plane's WSS bridge. The references get the same load in the same run: SIPp's RTP echo
            (`sipp -sn uas -rtp_echo`, called over SIP like Patchbay) and a one-socket Java NIO UDP echo in its
            own JVM (no SIP: the generator sends RTP straight to it), the floor.

            - **Priming**: before the ramp, each Patchbay target gets one unreported step of the first step's
              size (`PATCHBAY_BENCH_PRIME=0` skips it). Calls set up while the fresh JVMs were still
              compiling kept a higher delay for their whole life in trials, so without it the first step
              would measure start-up.
            - **Warm-up: 8 s of traffic before each window** (`PATCHBAY_BENCH_WARMUP`). All N calls start
              their media in the same 20 ms, so their per-call state reaches the old generation together
              (young pauses of 14-30 ms in the first seconds of a 500-call step in the media-plane's GC
              log). The window measures the calls sustained after that start, not the start itself; the
              log line of each step gives the p50 of the window's first and last fifths to show it.
            - **Designed delay: 0 ms for audio in order.** The media-plane hands a caller frame to the bot as
              soon as its packet has arrived and sends a bot frame to the caller as soon as it arrives (paced
              to 50 packets a second). The jitter buffer's designed delay applies only to a frame with a gap:
              it is waited for until the 95th percentile of recent delay variation plus 10 ms (10 ms on a clean
              link) before it is concealed, and frames behind it wait with it. That wait is part of the
              measured latency, so **added latency = the measured round trip**, like the references'.
            - **Loss**: of the packets of the send rounds begun in the window, those not echoed within 250 ms of
              their send (each packet once, by its tag), over those sent; "Loss by cause" splits it. Counting the packets sent and the echoes
              received during the window instead is off by a round whenever the window ends between one and
              its echoes, 0.2 % of a 10 s window: earlier runs' loss figures at or under 0.25 % carry that error.
            - **CPU % of one core per call**: utime+stime from `/proc/<pid>/stat` over the measured window and
              its 250 ms wait for echoes, divided by that time and by N, per process (media-plane and
              control-plane separately).
            - **Heap per call**: (heap used after a full GC with the N calls up − the same before the step) / N,
              through the total of `jcmd <pid> GC.class_histogram` (live objects after its full GC; until
              2026-12-08 `GC.run` then `GC.heap_info`, which also counted what was allocated between the two).
              At small N the baseline's own drift (caches, the previous step's leftovers) dominates, so small or negative values there mean noise.
              **RSS** is `VmRSS` from `/proc/<pid>/status`.
            - **Generator late p99**: how late the pacer started a 20 ms send round, p99 over the window. The
              generator shares the machine with what it measures; when this is large, part of the latency
              and loss is the generator's, and an adaptive jitter buffer grows to cover it.
            - A step holds with every call set up, loss ≤ 0.1 % and p99 added latency ≤ 20 ms. A Patchbay
              step that does not hold is run once more and the second try counts; the table says when a step
              held on its second try and why the first failed: one stall of this shared machine in a 10 s
              window fails a step. The Patchbay ramps stop at the first step that fails twice. The
              generator's own JVM shares the 2 cores with the processes it measures.
            """;

    private Method() {
    }
}
