package dev.patchbay.admin.auth;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

/**
 * One entry of the admin-api's route table. The same list registers the Helidon routes and
 * drives the tests (isolation between workspaces, OpenAPI coverage), so a route cannot exist
 * without an access rule or escape those tests.
 *
 * @param path absolute Helidon path pattern; a workspace route names its workspace {@code {ws}}
 */
public record Route(Method method, String path, Access access, Handler handler) {

    public static Route get(String path, Access access, Handler handler) {
        return new Route(Method.GET, path, access, handler);
    }

    public static Route post(String path, Access access, Handler handler) {
        return new Route(Method.POST, path, access, handler);
    }

    public static Route put(String path, Access access, Handler handler) {
        return new Route(Method.PUT, path, access, handler);
    }

    public static Route patch(String path, Access access, Handler handler) {
        return new Route(Method.PATCH, path, access, handler);
    }

    public static Route delete(String path, Access access, Handler handler) {
        return new Route(Method.DELETE, path, access, handler);
    }

    /** The handler behind the access check. */
    public Handler guarded() {
        return (req, res) -> {
            access.check(req);
            handler.handle(req, res);
        };
    }

    /** {@code "GET /v1/workspaces/{ws}"}: how tests and logs name a route. */
    public String name() {
        return method.text() + " " + path;
    }
}
