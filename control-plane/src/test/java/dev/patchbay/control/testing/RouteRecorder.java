package dev.patchbay.control.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;

/**
 * Wraps a real {@link HttpRouting.Builder} and writes down every route registered through it, as
 * "METHOD /path/{}" (path parameters as {}), while the builder gets every call unchanged. Helidon's
 * built routing cannot be listed, so this is how a test sees the real router's routes. A route
 * registered in a way it cannot read (a raw HttpRoute, a registered HttpService) fails the test
 * rather than slipping past it.
 */
public final class RouteRecorder {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options", "trace");
    /** Calls that add no route: filters, error handlers, and the path-less fallback of {@code any(handler)}. */
    private static final Set<String> NO_ROUTE = Set.of("addFilter", "addFeature", "error", "security", "build",
            "maxReRouteCount", "copy");

    private final Set<String> routes = new TreeSet<>();
    private final HttpRouting.Builder recording;

    public RouteRecorder(HttpRouting.Builder target) {
        this.recording = (HttpRouting.Builder) Proxy.newProxyInstance(RouteRecorder.class.getClassLoader(),
                new Class<?>[] {HttpRouting.Builder.class}, (proxy, m, args) -> record(proxy, target, m, args));
    }

    /** The builder to hand to the code under test. */
    public HttpRouting.Builder routing() {
        return recording;
    }

    /** What was registered so far, sorted. */
    public Set<String> routes() {
        return new TreeSet<>(routes);
    }

    private Object record(Object proxy, HttpRouting.Builder target, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        boolean path = args != null && args.length > 0 && args[0] instanceof String;
        if (METHODS.contains(name) && path) {
            routes.add(name.toUpperCase(Locale.ROOT) + " " + ((String) args[0]).replaceAll("\\{[^}]+}", "{}"));
        } else if ("any".equals(name) && path) {
            routes.add("ANY " + ((String) args[0]).replaceAll("\\{[^}]+}", "{}"));
        } else if (!NO_ROUTE.contains(name) && !"any".equals(name) && m.getDeclaringClass() != Object.class) {
            throw new AssertionError("a route was registered through " + m + ", which RouteRecorder cannot read;"
                    + " register it with get/post/put/delete/patch(path, handler) or teach RouteRecorder the form");
        }
        Object result;
        try {
            result = m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        // Fluent calls go on through the recorder, so chained registrations are seen too.
        return result == target || (result instanceof HttpRules && m.getReturnType().isInstance(proxy)) ? proxy : result;
    }
}
