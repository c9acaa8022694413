package dev.patchbay.agents.ai;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.agents.auth.Agent;
import dev.patchbay.agents.auth.AgentAuth;
import dev.patchbay.agents.auth.SessionTokens;
import dev.patchbay.agents.transcripts.PublicUrl;
import dev.patchbay.agents.transcripts.TranscriptStore;
import dev.patchbay.rest.ApiJson;
import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.JsonBody;
import dev.patchbay.rest.ProblemException;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Seed 003 §9 voice synthesis: espeak-ng renders the text to WAV, which is stored and served at
 * audio_url until it expires, or played into a live call when call_id is given.
 *
 * <p>Mapping of the seed's controls onto espeak-ng: speed 1.0 is 175 words per minute (espeak's
 * default) and scales linearly, allowed 0.5 to 2.5 (87 to 437 wpm, inside espeak's 80-450);
 * pitch is the seed's -20..20 (semitone-like, as in Google's API) mapped linearly onto espeak's
 * 0..99 around its neutral 50 (2.5 steps per unit). Only WAV is produced: there is no encoder
 * here, so mp3 and webm are refused rather than mislabelled.
 */
public final class VoiceApi {

    private static final String AUDIO = AgentAuth.PREFIX + "/audio";

    private final Espeak espeak;
    private final AudioStore audio;
    private final TranscriptStore calls;
    private final VoiceConfig config;
    private final String publicUrl;
    private final LivePlayer player;

    public VoiceApi(VoiceConfig config, DbClient db, Clock clock, TranscriptStore calls,
                    String publicUrl, LivePlayer player) {
        this.espeak = new Espeak(config);
        this.audio = new AudioStore(db, clock);
        this.calls = calls;
        this.config = config;
        this.publicUrl = publicUrl;
        this.player = player;
    }

    public void routing(HttpRules rules) {
        rules.post(AgentAuth.PREFIX + "/agents/voice-synthesis", this::synthesize)
                .get(AUDIO + "/{audio_id}", this::serve);
    }

    private void synthesize(ServerRequest req, ServerResponse res) {
        Agent agent = AgentAuth.agent(req);
        JsonBody body = ApiJson.read(req, List.of("text", "voice", "speed", "pitch", "output_format", "call_id"));
        Optional<String> text = body.string("text");
        String voice = body.string("voice").orElse(config.defaultVoice());
        double speed = body.decimal("speed").orElse(1.0);
        double pitch = body.decimal("pitch").orElse(0.0);
        String format = body.string("output_format").orElse("wav");
        Optional<String> callId = body.string("call_id");
        body.requireShape();
        List<FieldError> errors = new ArrayList<>();
        if (text.isEmpty() || text.get().isBlank() || text.get().length() > config.maxText()) {
            errors.add(new FieldError("text", "is required: non-blank text of at most " + config.maxText() + " characters"));
        }
        if (!voice.matches("[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,12}){0,4}")) {
            errors.add(new FieldError("voice", "must be a voice name such as en-US-Neural2-A or en-us"));
        }
        if (!(speed >= 0.5 && speed <= 2.5)) {
            errors.add(new FieldError("speed", "must be from 0.5 to 2.5 (1.0 is 175 words per minute)"));
        }
        if (!(pitch >= -20 && pitch <= 20)) {
            errors.add(new FieldError("pitch", "must be from -20 to 20 (0 is the voice's own pitch)"));
        }
        if (!format.equals("wav")) {
            errors.add(new FieldError("output_format", "only wav is produced: speech is rendered by espeak-ng, which"
                    + " writes WAV, and this server has no " + format + " encoder"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the voice synthesis request has invalid fields", errors);
        }
        if (callId.isPresent()) {
            if (calls.link(callId.get()).filter(l -> l.workspaceId().equals(agent.workspaceId())).isEmpty()) {
                throw ProblemException.notFound("there is no agent call " + callId.get() + " for this API key", "call_id");
            }
            if (!player.available()) {
                throw LivePlayer.unavailable();
            }
        }
        byte[] wav = espeak.render(text.get(), espeak.voice(voice), (int) Math.round(175 * speed),
                (int) Math.max(0, Math.min(99, Math.round(50 + 2.5 * pitch))));
        double seconds = Wav.parse(wav).seconds();
        String id = SessionTokens.newId("audio");
        Instant expires = audio.now().plus(config.audioTtl());
        audio.insert(id, agent.workspaceId(), wav, seconds, expires);
        callId.ifPresent(c -> player.play(c, wav));
        String url = PublicUrl.http(req, publicUrl) + AUDIO + "/" + id + ".wav";
        ObjectNode out = ApiJson.object().put("audio_id", id).put("audio_url", url)
                .put("duration", Math.round(seconds * 100) / 100.0).put("format", "wav")
                .put("expires_at", expires.toString());
        res.header("Location", url);
        ApiJson.send(res, Status.CREATED_201, out);
    }

    /** The clip as audio/wav, to any agent of its workspace; the .wav suffix of audio_url is optional. */
    private void serve(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("audio_id");
        String bare = id.endsWith(".wav") ? id.substring(0, id.length() - 4) : id;
        byte[] wav = audio.find(bare, AgentAuth.agent(req).workspaceId()).orElseThrow(() ->
                ProblemException.notFound("there is no audio " + bare + " for this API key, or it has expired", "audio_id"));
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "audio/wav");
        res.send(wav);
    }
}
