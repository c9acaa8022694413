package dev.patchbay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * One `helm template` of deploy/helm/patchbay, done by deploy-tests/js/render.mjs: Go's own
 * text/template engine (wasm) and the kubernetes-models schemas.
 */
record ChartRender(JsonNode result) {

    static ChartRender of(Repo repo, String release, String namespace, String... valuesYaml)
            throws IOException, InterruptedException {
        Path js = repo.path("deploy-tests/js");
        if (!Files.isDirectory(js.resolve("node_modules/kubernetes-models"))) {
            throw new AssertionError("deploy-tests/js/node_modules is missing: run 'npm ci' in deploy-tests/js"
                    + " (./patchbay test and ./patchbay doctor do it)");
        }
        List<String> cmd = new ArrayList<>(List.of("node", "render.mjs", repo.path("deploy/helm/patchbay").toString(),
                release, namespace));
        for (String v : valuesYaml) {
            Path f = Files.createTempFile("values", ".yaml");
            f.toFile().deleteOnExit();
            Files.writeString(f, v);
            cmd.add(f.toString());
        }
        Processes.Result r = Processes.run(js, 120, cmd);
        if (r.exit() != 0) {
            throw new AssertionError("render.mjs exited " + r.exit() + ": " + r.stderr());
        }
        return new ChartRender(new ObjectMapper().readTree(r.stdout()));
    }

    /** The template error that stopped the render, or null. */
    String error() {
        JsonNode e = result.get("error");
        return e == null ? null : e.asText();
    }

    List<JsonNode> manifests() {
        return StreamSupport.stream(result.get("manifests").spliterator(), false).toList();
    }

    JsonNode object(String kind, String name) {
        return manifests().stream().map(m -> m.get("object"))
                .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
    }

    List<String> names() {
        return manifests().stream().map(m -> m.get("object").path("kind").asText() + "/"
                + m.get("object").path("metadata").path("name").asText()).toList();
    }

    /** Schema violations, as "Kind/name: message". */
    List<String> schemaErrors() {
        List<String> out = new ArrayList<>();
        for (JsonNode m : manifests()) {
            for (JsonNode e : m.get("errors")) {
                out.add(m.get("object").path("kind").asText() + "/" + m.get("object").path("metadata").path("name").asText()
                        + ": " + e.asText());
            }
        }
        return out;
    }
}
