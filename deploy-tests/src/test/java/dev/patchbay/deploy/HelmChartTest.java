package dev.patchbay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/helm/patchbay, rendered with Go's template engine and checked against the Kubernetes schemas. */
class HelmChartTest {

    static final String SECRETS = """
            secrets:
              dbPassword: db-pw
              secretsKey: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
              clusterToken: cluster-tok
              adminKey: admin-key-1
            """;
    static final Repo REPO = Repo.current();
    static ChartRender chart;

    @BeforeAll
    static void render() throws Exception {
        chart = ChartRender.of(REPO, "pb", "voice", SECRETS);
        assertNull(chart.error(), "the chart must render with only the required secrets given");
    }

    @Test
    void everyManifestIsValidAgainstTheKubernetesSchemas() {
        assertEquals(List.of(), chart.schemaErrors());
        assertEquals(new TreeSet<>(List.of("Deployment/pb-admin-api", "Service/pb-admin-api", "ConfigMap/pb-config",
                "ConfigMap/pb-control-plane-env", "ConfigMap/pb-admin-api-env", "ConfigMap/pb-media-plane-env",
                "Deployment/pb-control-plane", "PodDisruptionBudget/pb-control-plane", "Service/pb-control-plane",
                "DaemonSet/pb-media-plane", "Secret/pb-secrets")), new TreeSet<>(chart.names()));
    }

    @Test
    void schemaCheckRejectsAWrongType() throws Exception {
        ChartRender bad = ChartRender.of(REPO, "pb", "voice", SECRETS, "controlPlane: {port: eighty}\n");
        assertNull(bad.error());
        assertTrue(bad.schemaErrors().stream().anyMatch(e -> e.startsWith("Deployment/pb-control-plane")
                && e.contains("containerPort must be integer")), bad.schemaErrors().toString());
    }

    @Test
    void controlPlaneRunsReplicasUnderADisruptionBudget() {
        JsonNode d = chart.object("Deployment", "pb-control-plane");
        assertTrue(d.at("/spec/replicas").asInt() >= 2);
        assertEquals(0, d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt());
        JsonNode pdb = chart.object("PodDisruptionBudget", "pb-control-plane");
        assertTrue(pdb.at("/spec/minAvailable").asInt() >= 1);
        assertEquals(d.at("/spec/template/metadata/labels/app.kubernetes.io~1component"),
                pdb.at("/spec/selector/matchLabels/app.kubernetes.io~1component"));
        assertEquals("metadata.name", env(container(d), "PATCHBAY_CONTROL_REPLICA").at("/valueFrom/fieldRef/fieldPath").asText(),
                "each replica is named after its pod in bridge leases");
    }

    @Test
    void mediaPlaneIsAHostNetworkDaemonSetOnItsPoolThatOutlastsItsDrain() {
        JsonNode ds = chart.object("DaemonSet", "pb-media-plane");
        JsonNode pod = ds.at("/spec/template/spec");
        assertTrue(pod.get("hostNetwork").asBoolean());
        assertEquals("ClusterFirstWithHostNet", pod.get("dnsPolicy").asText());
        assertEquals("media", pod.at("/nodeSelector/patchbay.dev~1pool").asText());
        Duration drain = Duration.parse(configMap("pb-media-plane-env").get("PATCHBAY_SHUTDOWN_DRAIN"));
        long grace = pod.get("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > drain.toSeconds(), "grace " + grace + " s must exceed the drain " + drain);
        Set<String> ports = new HashSet<>();
        container(ds).get("ports").forEach(p -> ports.add(p.get("containerPort").asInt() + "/" + p.get("protocol").asText()));
        assertEquals(Set.of("5060/UDP", "5060/TCP", "5061/TCP", "9090/TCP", "9091/TCP"), ports);
    }

    @Test
    void probesAskEachProcessOnTheSocketItServesHealthOn() {
        record Probe(String kind, String name, String portKey, String configMap) {
        }
        for (Probe p : List.of(new Probe("Deployment", "pb-control-plane", "PATCHBAY_CONTROL_SERVER_PORT", "pb-control-plane-env"),
                new Probe("Deployment", "pb-admin-api", "PATCHBAY_ADMIN_SERVER_PORT", "pb-admin-api-env"),
                new Probe("DaemonSet", "pb-media-plane", "PATCHBAY_MEDIA_OBSERVE_PORT", "pb-media-plane-env"))) {
            JsonNode c = container(chart.object(p.kind(), p.name()));
            int port = Integer.parseInt(configMap(p.configMap()).get(p.portKey()));
            assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText(), p.name());
            assertEquals(port, c.at("/readinessProbe/httpGet/port").asInt(), p.name());
            assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText(), p.name());
            assertEquals(port, c.at("/livenessProbe/httpGet/port").asInt(), p.name());
        }
        assertEquals("0.0.0.0", configMap("pb-media-plane-env").get("PATCHBAY_MEDIA_OBSERVE_HOST"),
                "the kubelet probes the node's address, not 127.0.0.1");
    }

    @Test
    void everyVariableSetIsAKeyOfTheProcessThatGetsIt() throws Exception {
        Map<String, String> modules = Map.of("pb-control-plane", "control-plane", "pb-admin-api", "admin-api",
                "pb-media-plane", "media-plane");
        for (Map.Entry<String, String> m : modules.entrySet()) {
            JsonNode c = container(chart.manifests().stream().map(x -> x.get("object"))
                    .filter(o -> o.at("/metadata/name").asText().equals(m.getKey()) && o.has("spec") && o.at("/spec/template").isObject())
                    .findFirst().orElseThrow());
            Set<String> names = new TreeSet<>(configMap(m.getKey() + "-env").keySet());
            c.get("env").forEach(e -> names.add(e.get("name").asText()));
            // A variable only there for Kubernetes to expand into another ($(HOST_IP)) is no key of ours.
            c.get("env").forEach(e -> names.removeIf(n -> e.path("value").asText().contains("$(" + n + ")")));
            Set<String> unknown = REPO.unread(m.getValue(), names);
            assertEquals(Set.of(), unknown, m.getValue() + " reads no such keys");
        }
        assertTrue(!configMap("pb-admin-api-env").containsKey("PATCHBAY_CONFIG"),
                "AdminApiMain does not read PATCHBAY_CONFIG: setting it would promise what it does not do");
    }

    @Test
    void secretsComeFromTheSecretAndNeverFromAConfigMap() {
        JsonNode secret = chart.object("Secret", "pb-secrets");
        Map<String, String> want = Map.of("PATCHBAY_DB_CONNECTION_PASSWORD", "db-pw", "PATCHBAY_SECRETS_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "PATCHBAY_CLUSTER_TOKEN", "cluster-tok", "PATCHBAY_ADMIN_KEY", "admin-key-1");
        Map<String, List<String>> who = Map.of("pb-control-plane", List.of("PATCHBAY_DB_CONNECTION_PASSWORD", "PATCHBAY_SECRETS_KEY", "PATCHBAY_CLUSTER_TOKEN"),
                "pb-admin-api", List.of("PATCHBAY_DB_CONNECTION_PASSWORD", "PATCHBAY_SECRETS_KEY", "PATCHBAY_ADMIN_KEY"),
                "pb-media-plane", List.of("PATCHBAY_DB_CONNECTION_PASSWORD", "PATCHBAY_SECRETS_KEY", "PATCHBAY_CLUSTER_TOKEN"));
        for (Map.Entry<String, List<String>> w : who.entrySet()) {
            JsonNode c = container(chart.manifests().stream().map(x -> x.get("object"))
                    .filter(o -> o.at("/metadata/name").asText().equals(w.getKey()) && o.at("/spec/template").isObject())
                    .findFirst().orElseThrow());
            for (String var : w.getValue()) {
                JsonNode ref = env(c, var).at("/valueFrom/secretKeyRef");
                assertEquals("pb-secrets", ref.get("name").asText(), var);
                assertEquals(want.get(var), secret.at("/stringData/" + ref.get("key").asText()).asText(), var);
            }
        }
        for (JsonNode m : chart.manifests()) {
            if (m.at("/object/kind").asText().equals("ConfigMap")) {
                for (String value : want.values()) {
                    assertTrue(!m.get("object").toString().contains(value), "a secret leaked into " + m.at("/object/metadata/name"));
                }
            }
        }
    }

    @Test
    void anExistingSecretIsUsedAndNoneCreated() throws Exception {
        ChartRender r = ChartRender.of(REPO, "pb", "voice", "secrets: {existingSecret: patchbay-prod}\n");
        assertNull(r.error());
        assertTrue(r.names().stream().noneMatch(n -> n.startsWith("Secret/")), r.names().toString());
        assertEquals("patchbay-prod", env(container(r.object("DaemonSet", "pb-media-plane")), "PATCHBAY_CLUSTER_TOKEN")
                .at("/valueFrom/secretKeyRef/name").asText());
    }

    @Test
    void refusesToRenderWithoutTheRequiredSecrets() throws Exception {
        ChartRender r = ChartRender.of(REPO, "pb", "voice");
        assertNotNull(r.error());
        assertTrue(r.error().contains("secrets.dbPassword is required"), r.error());
    }

    @Test
    void refusesAGracePeriodThatDoesNotOutlastTheDrain() throws Exception {
        ChartRender r = ChartRender.of(REPO, "pb", "voice", SECRETS,
                "mediaPlane: {drainSeconds: 900, terminationGracePeriodSeconds: 900}\n");
        assertNotNull(r.error());
        assertTrue(r.error().contains("terminationGracePeriodSeconds must be longer than mediaPlane.drainSeconds"), r.error());
        // Compared as numbers, whatever their digits: 1000 > 960 and 100 > 60.
        for (String bad : List.of("{drainSeconds: 1000, terminationGracePeriodSeconds: 960}",
                "{drainSeconds: 100, terminationGracePeriodSeconds: 60}", "{drainSeconds: 61, terminationGracePeriodSeconds: 60}")) {
            assertTrue(String.valueOf(ChartRender.of(REPO, "pb", "voice", SECRETS, "mediaPlane: " + bad + "\n").error())
                    .contains("must be longer than mediaPlane.drainSeconds"), bad);
        }
        for (String good : List.of("{drainSeconds: 60, terminationGracePeriodSeconds: 100}",
                "{drainSeconds: 959, terminationGracePeriodSeconds: 960}")) {
            assertNull(ChartRender.of(REPO, "pb", "voice", SECRETS, "mediaPlane: " + good + "\n").error(), good);
        }
        ChartRender one = ChartRender.of(REPO, "pb", "voice", SECRETS, "controlPlane: {replicas: 1}\n");
        assertTrue(String.valueOf(one.error()).contains("controlPlane.replicas must be at least 2"), one.error());
    }

    @Test
    void overridesReachTheManifests() throws Exception {
        ChartRender r = ChartRender.of(REPO, "edge", "voice", SECRETS, """
                controlPlane: {mediaNodes: "10.0.1.11:9090,10.0.1.12:9090", extraEnv: {PATCHBAY_CONTROL_WEBHOOK_TIMEOUT: 3s}}
                mediaPlane:
                  drainSeconds: 60
                  terminationGracePeriodSeconds: 90
                  rtp: {advertise: 203.0.113.10}
                  tolerations: [{key: patchbay.dev/pool, value: media, effect: NoSchedule}]
                image: {prefix: registry.example/patchbay, tag: "1.2.3"}
                """);
        assertNull(r.error());
        assertEquals(List.of(), r.schemaErrors());
        Map<String, String> media = configMap(r, "edge-media-plane-env");
        assertEquals("PT60S", media.get("PATCHBAY_SHUTDOWN_DRAIN"));
        assertEquals("203.0.113.10", media.get("PATCHBAY_RTP_ADVERTISE"));
        assertEquals("10.0.1.11:9090,10.0.1.12:9090", configMap(r, "edge-control-plane-env").get("PATCHBAY_CONTROL_MEDIA_NODES"));
        assertEquals("3s", configMap(r, "edge-control-plane-env").get("PATCHBAY_CONTROL_WEBHOOK_TIMEOUT"));
        JsonNode ds = r.object("DaemonSet", "edge-media-plane");
        assertEquals(90, ds.at("/spec/template/spec/terminationGracePeriodSeconds").asInt());
        assertEquals("Equal", ds.at("/spec/template/spec/tolerations/0/operator").asText());
        assertEquals("registry.example/patchbay/media-plane:1.2.3", container(ds).get("image").asText());
    }

    @Test
    void mediaPlanesWriteTheirOwnRowsInTheNodeTableThatControlPlanesRead() {
        assertEquals("", configMap("pb-control-plane-env").get("PATCHBAY_CONTROL_MEDIA_NODES"), "no static list by default");
        Map<String, String> media = configMap("pb-media-plane-env");
        assertEquals(configMap("pb-control-plane-env").get("PATCHBAY_DB_CONNECTION_URL"), media.get("PATCHBAY_DB_CONNECTION_URL"));
        assertEquals(configMap("pb-control-plane-env").get("PATCHBAY_DB_CONNECTION_USERNAME"), media.get("PATCHBAY_DB_CONNECTION_USERNAME"));
        JsonNode c = container(chart.object("DaemonSet", "pb-media-plane"));
        assertEquals("spec.nodeName", env(c, "PATCHBAY_NODE_ID").at("/valueFrom/fieldRef/fieldPath").asText(),
                "one row per Kubernetes node, whatever its addresses");
        assertEquals("status.hostIP", env(c, "HOST_IP").at("/valueFrom/fieldRef/fieldPath").asText());
        assertEquals("$(HOST_IP):9090", env(c, "PATCHBAY_NODE_GRPC_DASH_ADDRESS").get("value").asText());
        assertEquals("$(HOST_IP):5060", env(c, "PATCHBAY_NODE_SIP_DASH_ADDRESS").get("value").asText());
        List<String> names = c.get("env").findValues("name").stream().map(JsonNode::asText).toList();
        assertTrue(names.indexOf("HOST_IP") < names.indexOf("PATCHBAY_NODE_GRPC_DASH_ADDRESS"),
                "Kubernetes expands $(HOST_IP) only from a variable defined before it");
    }

    @Test
    void aNodeBehindOneToOneNatGetsItsOwnDaemonSetAndAddress() throws Exception {
        ChartRender r = ChartRender.of(REPO, "pb", "voice", SECRETS, """
                mediaPlane:
                  groups:
                    - {name: "", hostname: "", advertise: ""}
                    - {name: a, hostname: media-a, advertise: 203.0.113.10}
                    - {name: b, hostname: media-b, advertise: 198.51.100.20}
                """);
        assertNull(r.error());
        assertEquals(List.of(), r.schemaErrors());
        JsonNode all = r.object("DaemonSet", "pb-media-plane");
        assertTrue(container(all).get("env").findValues("name").stream().noneMatch(n -> n.asText().equals("PATCHBAY_RTP_ADVERTISE")));
        JsonNode notIn = all.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0");
        assertEquals("NotIn", notIn.get("operator").asText());
        assertEquals("[\"media-a\",\"media-b\"]", notIn.get("values").toString());
        for (String[] g : new String[][] {{"a", "media-a", "203.0.113.10"}, {"b", "media-b", "198.51.100.20"}}) {
            JsonNode ds = r.object("DaemonSet", "pb-media-plane-" + g[0]);
            assertEquals(g[1], ds.at("/spec/template/spec/nodeSelector/kubernetes.io~1hostname").asText());
            assertEquals("media", ds.at("/spec/template/spec/nodeSelector/patchbay.dev~1pool").asText());
            assertEquals(g[2], env(container(ds), "PATCHBAY_RTP_ADVERTISE").get("value").asText());
            assertEquals(g[2] + ":5060", env(container(ds), "PATCHBAY_NODE_SIP_DASH_ADDRESS").get("value").asText());
            assertTrue(ds.at("/spec/template/spec/hostNetwork").asBoolean());
            // Selectors of the DaemonSets must not overlap, or each would adopt the others' pods.
            assertEquals(g[0], ds.at("/spec/selector/matchLabels/patchbay.dev~1media-group").asText());
        }
        assertEquals("", all.at("/spec/selector/matchLabels/patchbay.dev~1media-group").asText());
        assertTrue(chart.object("DaemonSet", "pb-media-plane").at("/spec/template/spec/affinity").isMissingNode(),
                "with no named group the catch-all runs on the whole pool");
    }

    @Test
    void chartAndImagesCarryTheProjectVersion() {
        String version = System.getProperty("patchbay.version");
        assertNotNull(version, "surefire passes patchbay.version");
        for (String name : List.of("pb-control-plane", "pb-admin-api")) {
            assertTrue(container(chart.object("Deployment", name)).get("image").asText().endsWith(":" + version), name);
        }
        assertTrue(container(chart.object("DaemonSet", "pb-media-plane")).get("image").asText().endsWith(":" + version));
        assertEquals(version, chart.object("Deployment", "pb-admin-api").at("/metadata/labels/app.kubernetes.io~1version").asText(),
                "Chart.yaml appVersion");
    }

    /** Every value in values.yaml has a comment: on its line, or on the lines just above it. */
    @Test
    void everyValueIsDocumented() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(REPO.path("deploy/helm/patchbay/values.yaml"));
        List<String> undocumented = new java.util.ArrayList<>();
        boolean commentAbove = false;
        boolean inBlock = false;
        for (String line : lines) {
            String t = line.strip();
            if (inBlock && (line.startsWith(" ") || t.isEmpty())) {
                continue; // the body of a literal block (configFile)
            }
            inBlock = false;
            if (t.isEmpty()) {
                commentAbove = false;
            } else if (t.startsWith("#")) {
                commentAbove = true;
            } else {
                boolean key = t.matches("^(- )?[\\w.-]+:.*");
                if (key && !line.contains("#") && !commentAbove && !t.endsWith(":")) {
                    undocumented.add(t);
                }
                inBlock = t.endsWith("|");
                commentAbove = key && t.endsWith(":") && commentAbove;
            }
        }
        assertEquals(List.of(), undocumented);
    }

    private static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.get("env")) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name + " in " + container.get("name"));
    }

    private static Map<String, String> configMap(String name) {
        return configMap(chart, name);
    }

    private static Map<String, String> configMap(ChartRender r, String name) {
        Map<String, String> out = new java.util.TreeMap<>();
        r.object("ConfigMap", name).get("data").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
