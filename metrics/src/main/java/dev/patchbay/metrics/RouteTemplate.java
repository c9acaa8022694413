package dev.patchbay.metrics;

import java.util.Map;
import java.util.Set;

/**
 * The label a request gets in {@code patchbay_http_requests_seconds}: the route it matched, with
 * each path parameter's segment put back as {@code {name}}, so one route is one series however
 * many ids pass through it. Helidon 4.1 does not expose the matched pattern, but it leaves the
 * resolved parameters on the request; this inverts them. Requests that matched no route share the
 * one label {@link #UNMATCHED}, so a scanner cannot grow the series without bound.
 */
public final class RouteTemplate {

    public static final String UNMATCHED = "unmatched";
    public static final String UNAUTHORIZED = "unauthorized";

    private RouteTemplate() {
    }

    /**
     * @param path   the request path, e.g. {@code /v1/calls/CA12}
     * @param params the resolved path parameters, name to value
     */
    public static String of(String path, Map<String, String> params) {
        if (params.isEmpty()) {
            return path;
        }
        Set<Map.Entry<String, String>> entries = params.entrySet();
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            String segment = segments[i];
            String name = null;
            for (Map.Entry<String, String> e : entries) {
                if (!segment.isEmpty() && segment.equals(e.getValue())) {
                    name = e.getKey();
                    break;
                }
            }
            out.append(name == null ? segment : "{" + name + "}");
        }
        return out.toString();
    }
}
