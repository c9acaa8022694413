/**
 * The WSS bridge: when a call is answered, the control-plane connects to the bot's WebSocket and bridges it
 * to the call's audio ({@link dev.patchbay.control.wss.WssBridge#open}), a channel of its media node's one
 * AudioMux stream ({@link dev.patchbay.control.wss.BridgeMux}).
 *
 * <p>Dialects, chosen by name in {@link dev.patchbay.control.wss.BridgeTarget}:
 * <ul>
 *   <li>{@code twilio} (default): Twilio Media Streams exactly, 8 kHz mu-law. Patchbay extensions, which
 *       real Twilio ignores: {@code {"event":"hangup"}}, {@code {"event":"transfer","transfer":{"to":…}}},
 *       {@code {"event":"dtmf","dtmf":{"digits":"12#"}}}, and for far ends that end calls themselves
 *       (see {@link dev.patchbay.control.wss.BridgeTarget.FarEnd}) {@code {"event":"agent_response",…}} (Ameyo)
 *       and {@code {"event":"info","info":{…}}} (RingCX SIP INFO).</li>
 *   <li>{@code jambonz}: the listen verb's protocol (subprotocol {@code audio.jambonz.org}, one JSON frame,
 *       binary L16 at 8 or 16 kHz); commands killAudio, mark, clearMarks, disconnect, and the Patchbay
 *       extension {@code {"type":"transfer","data":{"to":…}}}.</li>
 *   <li>{@code plivo}: Plivo AudioStream (start, media, dtmf, playedStream, clearedAudio; playAudio,
 *       checkpoint, clearAudio, sendDTMF), mu-law at 8 kHz or L16 at 16 kHz.</li>
 * </ul>
 * A transfer target that is a phone number becomes a {@code tel:} URI; sip:, sips: and tel: URIs pass as given.
 */
package dev.patchbay.control.wss;
