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
public record ApiRoute(Method method, String path, Access access, Handler handler) {

    public static ApiRoute get(String path, Access access, Handler handler) {
        return new ApiRoute(Method.GET, path, access, handler);
    }

    public static ApiRoute post(String path, Access access, Handler handler) {
        return new ApiRoute(Method.POST, path, access, handler);
    }

    public static ApiRoute put(String path, Access access, Handler handler) {
        return new ApiRoute(Method.PUT, path, access, handler);
    }

    public static ApiRoute patch(String path, Access access, Handler handler) {
        return new ApiRoute(Method.PATCH, path, access, handler);
    }

    public static ApiRoute delete(String path, Access access, Handler handler) {
        return new ApiRoute(Method.DELETE, path, access, handler);
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
