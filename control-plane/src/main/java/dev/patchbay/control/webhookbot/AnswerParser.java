package dev.patchbay.control.webhookbot;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchbay.control.delivery.SsrfGuard;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads a bot platform's answer in any of the three forms seed 001 names: JSON
 * {@code {"websocket_url": ...}}, TwiML {@code <Connect><Stream url>}, or Plivo {@code <Stream>wss://...</Stream>}.
 * Each may name an INFO for the far end to send when the bot's stream ends (RingCX's final INFO, the bot command
 * a WSS bot sends as its info event): in XML an {@code <Info>} verb after the stream, whose text is a JSON object
 * (verbs after a stream run when it ends, as in TwiML and Plivo's keepCallAlive); in JSON {@code "info_on_end"}.
 * Anything unusable becomes a 503 whose reason says exactly what was wrong. XML is parsed with DTDs
 * and external entities off, so an answer cannot make the gateway read files or call URLs (XXE).
 */
final class AnswerParser {

    private static final int SERVICE_UNAVAILABLE = 503;
    /** What a call event holds; a RingCX INFO larger than that is sent by the bot itself. */
    static final int MAX_INFO_ON_END = 2000;

    private final ObjectMapper json;

    AnswerParser(ObjectMapper json) {
        this.json = json;
    }

    BotAnswer parse(String contentType, String body) {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1).strip();
        }
        if (text.isEmpty()) {
            return reject("the answer is empty; expected JSON {\"websocket_url\": ...} or TwiML/Plivo XML");
        }
        if (text.startsWith("{")) {
            return fromJson(text);
        }
        if (text.startsWith("<")) {
            return fromXml(text);
        }
        return reject("the answer (Content-Type '" + contentType + "') is neither JSON nor XML; it starts with '"
                + printable(text.substring(0, Math.min(40, text.length()))) + "'");
    }

    private BotAnswer fromJson(String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            return reject("the JSON answer does not parse: " + e.getOriginalMessage());
        }
        if (root.path("grpc").asBoolean(false)) {
            return new BotAnswer.Grpc();
        }
        JsonNode ws = root.get("websocket_url");
        if (ws == null || !ws.isTextual() || ws.asText().isBlank()) {
            return reject("the JSON answer has no \"websocket_url\" string (and no \"grpc\": true)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode custom = root.path("custom_parameters");
        if (!custom.isMissingNode() && !custom.isNull()) {
            if (!custom.isObject()) {
                return reject("\"custom_parameters\" in the JSON answer is not an object");
            }
            custom.fields().forEachRemaining(f -> params.put(f.getKey(),
                    f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
        }
        BotAnswer stream = stream(ws.asText().strip(), params, root.path("dialect").asText(""), root.path("content_type").asText(""));
        JsonNode info = root.path("info_on_end");
        if (info.isMissingNode() || info.isNull() || !(stream instanceof BotAnswer.Stream s)) {
            return stream;
        }
        return info.isObject() ? infoOnEnd(s, info.toString(), "\"info_on_end\"")
                : reject("\"info_on_end\" in the JSON answer is not a JSON object");
    }

    /** The stream with its end-of-stream INFO, if that is small enough to keep with the call. */
    private static BotAnswer infoOnEnd(BotAnswer.Stream stream, String json, String where) {
        int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return bytes > MAX_INFO_ON_END ? reject(where + " is " + bytes + " bytes; an answer's INFO holds at most "
                + MAX_INFO_ON_END + ": let the bot send larger ones itself (its info event)") : stream.withInfoOnEnd(json);
    }

    /** An {@code <Info>} verb among the ones after the stream; the stream unchanged when there is none. */
    private BotAnswer afterStream(BotAnswer answer, List<Element> verbs, int streamAt) {
        if (!(answer instanceof BotAnswer.Stream stream)) {
            return answer;
        }
        for (Element verb : verbs.subList(streamAt + 1, verbs.size())) {
            if ("Info".equals(verb.getTagName())) {
                String text = verb.getTextContent().strip();
                JsonNode body;
                try {
                    body = json.readTree(text);
                } catch (JsonProcessingException e) {
                    return reject("<Info> does not hold a JSON object: " + e.getOriginalMessage());
                }
                return body != null && body.isObject() ? infoOnEnd(stream, body.toString(), "<Info>")
                        : reject("<Info> does not hold a JSON object");
            }
        }
        return answer;
    }

    private BotAnswer fromXml(String text) {
        Document doc;
        try {
            DocumentBuilder builder = secureFactory().newDocumentBuilder();
            builder.setErrorHandler(THROWING);
            doc = builder.parse(new InputSource(new StringReader(text)));
        } catch (SAXException e) {
            return reject("the XML answer is not accepted: " + e.getMessage());
        } catch (IOException | ParserConfigurationException e) {
            return reject("the XML answer could not be read: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!"Response".equals(root.getTagName())) {
            return reject("the XML answer's root is <" + root.getTagName() + ">, expected <Response>");
        }
        List<String> skipped = new ArrayList<>();
        List<Element> verbs = children(root);
        // Verbs run in order, as in TwiML: the first one that decides the call wins.
        for (int i = 0; i < verbs.size(); i++) {
            Element verb = verbs.get(i);
            switch (verb.getTagName()) {
                case "Connect" -> {
                    for (Element inner : children(verb)) {
                        if ("Stream".equals(inner.getTagName())) {
                            return afterStream(twilioStream(inner), verbs, i);
                        }
                    }
                    return reject("TwiML <Connect> holds no <Stream url=\"wss://...\">");
                }
                case "Stream" -> {
                    return afterStream(plivoStream(verb), verbs, i);
                }
                case "Start" -> {
                    return reject("TwiML <Start><Stream> only forks audio one way; answer <Connect><Stream> for a voice bot");
                }
                case "Reject" -> {
                    return rejectedByBot("Reject", verb.getAttribute("reason"), 603);
                }
                case "Hangup" -> {
                    return rejectedByBot("Hangup", verb.getAttribute("reason"), 480);
                }
                case "Info" -> {
                    return reject("<Info> runs when a bot's stream ends, so it goes after <Connect><Stream> or <Stream>");
                }
                default -> skipped.add("<" + verb.getTagName() + ">");
            }
        }
        return reject("the XML answer has no <Connect><Stream> (TwiML) or <Stream> (Plivo)"
                + (skipped.isEmpty() ? "" : "; Patchbay cannot run " + String.join(", ", skipped)));
    }

    /** Twilio's reasons: busy (a busy tone, SIP 486) or rejected (the default, SIP 603 Decline). */
    private static BotAnswer rejectedByBot(String verb, String reason, int fallback) {
        String r = reason == null ? "" : reason.strip().toLowerCase(Locale.ROOT);
        int status = switch (r) {
            case "busy" -> 486;
            case "rejected" -> 603;
            default -> fallback;
        };
        return new BotAnswer.Reject(status, "the bot answered <" + verb + (r.isEmpty() ? "" : " reason=\"" + printable(r) + "\"") + ">");
    }

    private BotAnswer twilioStream(Element stream) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Element p : children(stream)) {
            if ("Parameter".equals(p.getTagName()) && !p.getAttribute("name").isEmpty()) {
                params.put(p.getAttribute("name"), p.getAttribute("value"));
            }
        }
        return stream(stream.getAttribute("url").strip(), params, "twilio", "");
    }

    private BotAnswer plivoStream(Element stream) {
        Map<String, String> params = new LinkedHashMap<>();
        // Plivo passes extra data as extraHeaders="a=1,b=2".
        for (String pair : stream.getAttribute("extraHeaders").split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return stream(stream.getTextContent().strip(), params, "plivo", stream.getAttribute("contentType").strip());
    }

    private static BotAnswer stream(String url, Map<String, String> params, String dialect, String contentType) {
        if (url.isEmpty()) {
            return reject("the answer's stream has no URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return reject("the stream URL '" + printable(url) + "' is not a valid URI: " + e.getReason());
        }
        String problem = SsrfGuard.syntaxProblem(uri, SsrfGuard.WEBSOCKET_SCHEMES);
        if (problem != null) {
            return reject("the stream " + problem);
        }
        return new BotAnswer.Stream(uri, params, dialect, contentType);
    }

    /**
     * A refusal; its reason becomes a SIP Reason header and a log line, so the answer's own text in it
     * (an XML parser's message quotes the input, found by fuzzing) loses its control characters.
     */
    static BotAnswer.Reject reject(String reason) {
        return new BotAnswer.Reject(SERVICE_UNAVAILABLE, "bot webhook: " + printable(reason));
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(false);
        return f;
    }

    /** Parse errors become the reject reason instead of lines on stderr. */
    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
