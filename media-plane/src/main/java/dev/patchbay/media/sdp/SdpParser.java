package dev.patchbay.media.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the first audio stream of an RFC 4566 offer. Deliberately small: Patchbay needs the
 * connection address, port, formats, ptime and direction, and rejects the rest precisely.
 */
public final class SdpParser {

    /** A packet longer than a second is no voice call's (RFC 4566 a=ptime, in milliseconds). */
    private static final int MAX_PTIME_MS = 1000;

    private SdpParser() {
    }

    public static AudioOffer parseAudio(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP body");
        }
        String sessionAddress = null;
        Direction sessionDirection = Direction.SENDRECV;
        boolean inAudio = false;
        boolean seenAudio = false;
        String mediaAddress = null;
        Direction mediaDirection = null;
        int port = -1;
        int ptime = 0;
        List<Integer> payloadTypes = new ArrayList<>();
        List<String> crypto = new ArrayList<>();
        String profile = "RTP/AVP";
        Map<Integer, String[]> rtpmaps = new HashMap<>();
        Map<Integer, String> fmtps = new HashMap<>();

        int number = 0;
        for (String raw : sdp.split("\r?\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.indexOf('\0') >= 0 || line.indexOf('\r') >= 0) {
                // RFC 4566 §5 excludes both from every field; a lone CR would end up inside an address or name.
                throw new SdpException("SDP line " + number + " contains a NUL or a CR that does not end the line");
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("malformed SDP line '" + abbreviate(line) + "'");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                if (seenAudio) {
                    inAudio = false; // only the first audio stream is used
                    continue;
                }
                String[] parts = value.split(" +");
                if (parts.length < 4) {
                    throw new SdpException("malformed m= line '" + abbreviate(line) + "'");
                }
                inAudio = parts[0].equals("audio");
                if (inAudio) {
                    seenAudio = true;
                    if (!parts[2].toUpperCase(Locale.ROOT).startsWith("RTP/")) {
                        throw new SdpException("unsupported media transport " + parts[2]);
                    }
                    port = parseInt(parts[1], "m= port", 0, 65535);
                    profile = parts[2];
                    for (int i = 3; i < parts.length; i++) {
                        payloadTypes.add(parseInt(parts[i], "payload type", 0, 127));
                    }
                }
            } else if (type == 'c') {
                String address = parseConnection(value);
                if (inAudio) {
                    mediaAddress = address;
                } else if (!seenAudio) {
                    sessionAddress = address;
                }
            } else if (type == 'a') {
                Direction d = direction(value);
                if (d != null) {
                    if (inAudio) {
                        mediaDirection = d;
                    } else if (!seenAudio) {
                        sessionDirection = d;
                    }
                } else if (inAudio && value.startsWith("crypto:")) {
                    crypto.add(value.substring(7).strip());
                } else if (inAudio) {
                    ptime = readAttribute(value, rtpmaps, fmtps, ptime);
                }
            }
        }
        if (!seenAudio) {
            throw new SdpException("no audio m= line in the offer");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new SdpException("no c= connection address for the audio stream");
        }
        List<RtpFormat> formats = new ArrayList<>(payloadTypes.size());
        for (int pt : payloadTypes) {
            String[] map = rtpmaps.get(pt);
            if (map != null) {
                formats.add(new RtpFormat(pt, map[0], Integer.parseInt(map[1]), fmtps.getOrDefault(pt, "")));
            } else if (pt == 0) {
                formats.add(new RtpFormat(0, "PCMU", 8000, ""));   // static payload types need no rtpmap
            } else if (pt == 8) {
                formats.add(new RtpFormat(8, "PCMA", 8000, ""));
            } else if (pt == 9) {
                formats.add(new RtpFormat(9, "G722", 8000, ""));
            } else {
                formats.add(new RtpFormat(pt, "unknown", 0, ""));
            }
        }
        return new AudioOffer(address, port, List.copyOf(formats), ptime,
                mediaDirection != null ? mediaDirection : sessionDirection, profile, List.copyOf(crypto));
    }

    private static int readAttribute(String value, Map<Integer, String[]> rtpmaps, Map<Integer, String> fmtps, int ptime)
            throws SdpException {
        if (value.startsWith("rtpmap:")) {
            String[] parts = value.substring(7).split(" +", 2);
            if (parts.length == 2) {
                String[] enc = parts[1].split("/");
                if (enc.length >= 2) {
                    rtpmaps.put(parseInt(parts[0], "rtpmap payload type", 0, 127),
                            new String[] {enc[0], Integer.toString(parseInt(enc[1], "rtpmap clock rate", 1, Integer.MAX_VALUE))});
                    return ptime;
                }
            }
            throw new SdpException("malformed a=" + abbreviate(value));
        }
        if (value.startsWith("fmtp:")) {
            String[] parts = value.substring(5).split(" +", 2);
            fmtps.put(parseInt(parts[0], "fmtp payload type", 0, 127), parts.length == 2 ? parts[1] : "");
            return ptime;
        }
        if (value.startsWith("ptime:")) {
            return parseInt(value.substring(6).strip(), "ptime", 0, MAX_PTIME_MS);
        }
        return ptime;
    }

    private static String parseConnection(String value) throws SdpException {
        String[] parts = value.split(" +");
        if (parts.length < 3 || !parts[0].equals("IN") || !(parts[1].equals("IP4") || parts[1].equals("IP6"))) {
            throw new SdpException("malformed c= line 'c=" + abbreviate(value) + "'");
        }
        int slash = parts[2].indexOf('/');
        String address = slash < 0 ? parts[2] : parts[2].substring(0, slash);
        if (address.isEmpty()) {
            throw new SdpException("c= line 'c=" + abbreviate(value) + "' has no address");
        }
        // An address is an IP literal or a host name (RFC 4566 §5.7): visible ASCII only. A control character
        // (a vertical tab, say) would otherwise be carried into the address we send media to.
        if (!address.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new SdpException("c= line has a control or non-ASCII character in its address");
        }
        return address;
    }

    private static Direction direction(String value) {
        return switch (value) {
            case "sendrecv" -> Direction.SENDRECV;
            case "sendonly" -> Direction.SENDONLY;
            case "recvonly" -> Direction.RECVONLY;
            case "inactive" -> Direction.INACTIVE;
            default -> null;
        };
    }

    /** An ASCII decimal in {@code [min, max]}: RFC 4566 numbers are unsigned digits, so no sign or other script. */
    private static int parseInt(String s, String what, int min, int max) throws SdpException {
        String digits = s.strip();
        int value = digits.isEmpty() || digits.length() > 10 ? -1 : 0;
        for (int i = 0; i < digits.length() && value >= 0; i++) {
            char c = digits.charAt(i);
            long next = 10L * value + (c - '0');
            value = c < '0' || c > '9' || next > Integer.MAX_VALUE ? -1 : (int) next;
        }
        if (value < min || value > max) {
            throw new SdpException("malformed " + what + " '" + abbreviate(s) + "': must be " + min + " to " + max);
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
