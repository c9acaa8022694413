package dev.patchbay.control.recording;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchbay.control.media.MediaNodeLink;
import dev.patchbay.control.media.MediaNodes;
import dev.patchbay.control.model.CallRecord;
import dev.patchbay.control.store.CallStore;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.grpc.StatusRuntimeException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /recordings/{call_id}.wav}: a recorded call's WAV, streamed from the media node that holds
 * it, for whoever has its signed URL. One byte range ({@code Range: bytes=a-b}, {@code a-}, {@code -n})
 * is served as 206, so a player can seek.
 */
public final class RecordingsApi {

    private static final Pattern FILE = Pattern.compile("(CA[0-9a-f]{32})\\.wav");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /** Bytes [first, last] of a file of {@code size} bytes. */
    record Span(long first, long last, boolean partial) {
        long length() {
            return last - first + 1;
        }
    }

    private final RecordingLinks links;
    private final CallStore calls;
    private final MediaNodes nodes;

    public RecordingsApi(RecordingLinks links, CallStore calls, MediaNodes nodes) {
        this.links = links;
        this.calls = calls;
        this.nodes = nodes;
    }

    public void routing(HttpRules rules) {
        rules.get(RecordingLinks.PATH + "/{file}", this::download);
    }

    /** The signed URL to show for {@code call}'s recording, or null when it has none. */
    public String url(CallRecord call) {
        return links.urlOrNull(call.workspaceId(), call.id(), call.recordingUrl());
    }

    private void download(ServerRequest req, ServerResponse res) throws IOException {
        String file = req.path().pathParameters().get("file");
        Matcher m = FILE.matcher(file);
        if (!m.matches()) {
            throw ProblemException.notFound("there is no recording " + file + "; recording URLs name <call id>.wav", "call_id");
        }
        String callId = m.group(1);
        var query = req.query();
        String workspace = query.first("workspace").orElse(null);
        switch (links.check(workspace, callId, query.first("expires").orElse(null), query.first("signature").orElse(null))) {
            case RecordingLinks.Forged(String why) -> throw ProblemException.of(403, why, new FieldError("signature", why));
            case RecordingLinks.Expired(var at) -> throw ProblemException.of(410, "this recording URL expired at " + at
                    + "; fetch the call again for a fresh recording_url", new FieldError("expires", "is in the past"));
            case RecordingLinks.Valid() -> { }
        }
        CallRecord call = calls.find(workspace, callId).filter(c -> c.recordingUrl() != null).orElseThrow(() ->
                ProblemException.of(410, "the call " + callId + " has no recording any more (deleted by retention or "
                        + "with its session, or never recorded)", new FieldError("call_id", "has no recording")));
        Optional<MediaNodeLink> link = nodes.byNode(call.mediaNode()).filter(MediaNodeLink::connected);
        if (link.isEmpty()) {
            throw ProblemException.of(503, "the media node " + call.mediaNode() + " that holds this recording is not "
                    + "connected; retry later").withHeader("Retry-After", "30");
        }
        RecordingReader reader = new RecordingReader(link.get().channel(), callId);
        long size;
        try {
            size = reader.size();
        } catch (StatusRuntimeException e) {
            throw fromNode(e, call);
        }
        Span span = span(req.headers().first(HeaderNames.RANGE).orElse(null), size);
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.CONTENT_TYPE, "audio/wav");
        res.header(HeaderNames.CACHE_CONTROL, "private, no-store");
        if (span == null) {
            res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
            throw ProblemException.of(416, "the range is outside the recording's " + size + " bytes",
                    new FieldError("Range", "must start before byte " + size)).withHeader("Content-Range", "bytes */" + size);
        }
        if (span.partial()) {
            res.status(Status.PARTIAL_CONTENT_206);
            res.header(HeaderNames.CONTENT_RANGE, "bytes " + span.first() + "-" + span.last() + "/" + size);
        }
        res.header(HeaderNames.CONTENT_LENGTH, Long.toString(span.length()));
        try (OutputStream out = res.outputStream()) {
            reader.copy(span.first(), span.last() + 1, out);
        } catch (StatusRuntimeException | UncheckedIOException e) {
            // Headers are gone; the short body tells the client, as a dropped connection would.
            throw new IOException("streaming the recording of " + callId + " failed: " + e.getMessage(), e);
        }
    }

    /** The bytes to send: the whole file, one satisfiable range, or null when the range is not satisfiable. */
    static Span span(String range, long size) {
        Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Span(0, size - 1, false); // no range, or one we do not parse: RFC 9110 lets us send it all
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0) {
                return null;
            }
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (first >= size || last < first) {
                return null;
            }
        }
        return new Span(first, last, true);
    }

    private static ProblemException fromNode(StatusRuntimeException e, CallRecord call) {
        return switch (e.getStatus().getCode()) {
            case NOT_FOUND -> ProblemException.of(410, "the media node " + call.mediaNode() + " no longer holds the "
                    + "recording of " + call.id(), new FieldError("call_id", "has no recording file"));
            case UNAVAILABLE -> ProblemException.of(503, "the recording of " + call.id() + " is not available yet: "
                    + e.getStatus().getDescription() + "; retry shortly").withHeader("Retry-After", "1");
            default -> ProblemException.of(502, "the media node " + call.mediaNode() + " failed to read the recording: "
                    + e.getStatus());
        };
    }
}
