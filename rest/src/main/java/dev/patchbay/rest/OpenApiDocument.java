package dev.patchbay.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Serves a module's {@code openapi.yaml} as {@code application/yaml}. The file is read once, when
 * the routing is built, so a missing document fails start-up instead of the first request.
 */
public final class OpenApiDocument implements Handler {

    public static final String PATH = "/openapi.yaml";
    public static final String MEDIA_TYPE = "application/yaml";

    private final byte[] yaml;

    private OpenApiDocument(byte[] yaml) {
        this.yaml = yaml;
    }

    /** The {@code openapi.yaml} that sits beside {@code owner}'s classes (in the same jar or classes directory). */
    public static OpenApiDocument of(Class<?> owner) {
        return new OpenApiDocument(moduleResource(owner, "openapi.yaml"));
    }

    /** The document's bytes, as served. */
    public byte[] yaml() {
        return yaml.clone();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.send(yaml);
    }

    /**
     * A resource at the root of the jar or classes directory that holds {@code owner}. When several
     * Patchbay modules share one class path (in-process e2e), a bare resource name is ambiguous:
     * every module has its own application.yaml and openapi.yaml.
     */
    public static byte[] moduleResource(Class<?> owner, String name) {
        String self = owner.getName().replace('.', '/') + ".class";
        URL classUrl = owner.getClassLoader().getResource(self);
        if (classUrl == null) {
            throw new IllegalStateException("cannot locate the class file of " + owner.getName());
        }
        String url = classUrl.toString();
        URI resource = URI.create(url.substring(0, url.length() - self.length()) + name);
        try (InputStream in = resource.toURL().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + "; the build must package src/main/resources/"
                    + name + " of the module holding " + owner.getName(), e);
        }
    }
}
