package dev.depot.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.gson.JsonParser;
import dev.depot.config.Setting;
import dev.depot.support.Command;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes as kubectl builds it ({@code kubectl kustomize}), every object checked against
 * Kubernetes' API schema (the models client-java generates from its OpenAPI document refuse a
 * field they do not define and a required one missing), and what Depot needs of them: probes on
 * /readyz and /healthz, settings that are Depot's own, secrets in the Secret, one public address.
 */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SETTINGS = Arrays.stream(Setting.values()).map(Setting::environmentVariable)
            .collect(Collectors.toSet());

    @Test
    void clusterRunsSeveralPodsOnPostgresqlAndS3() throws IOException {
        Map<String, JsonNode> objects = build("cluster");
        assertThat(objects.keySet()).containsExactlyInAnyOrder("Deployment/depot", "Service/depot", "ConfigMap/depot-config",
                "Secret/depot-secrets", "PodDisruptionBudget/depot");
        JsonNode deployment = objects.get("Deployment/depot");
        assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThan(1);
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(objects.get("PodDisruptionBudget/depot").at("/spec/selector/matchLabels"))
                .isEqualTo(deployment.at("/spec/selector/matchLabels"));

        Map<String, String> config = strings(objects.get("ConfigMap/depot-config").get("data"));
        Map<String, String> secrets = strings(objects.get("Secret/depot-secrets").get("stringData"));
        assertThat(config).containsKey("DEPOT_PUBLIC_URL").containsEntry("DEPOT_STORAGE", "s3");
        assertThat(config.get("DEPOT_DATABASE_URL")).startsWith("jdbc:postgresql:");
        assertThat(secrets.keySet()).containsExactlyInAnyOrder("DEPOT_DATABASE_USERNAME", "DEPOT_DATABASE_PASSWORD",
                "DEPOT_S3_ACCESS_KEY", "DEPOT_S3_SECRET_KEY", "DEPOT_SIGNING_KEY", "DEPOT_TUF_KEY_SECRET");
        assertThat(config.keySet()).as("no secret in the ConfigMap").doesNotContainAnyElementsOf(secrets.keySet());
        assertDepotSettings(config, secrets);
        assertPod(deployment);
    }

    @Test
    void singleNodeRunsOnePodOnAPersistentVolumeWithSqlite() throws IOException {
        Map<String, JsonNode> objects = build("single-node");
        assertThat(objects.keySet()).containsExactlyInAnyOrder("Deployment/depot", "Service/depot", "ConfigMap/depot-config",
                "Secret/depot-secrets", "PersistentVolumeClaim/depot-data");
        JsonNode deployment = objects.get("Deployment/depot");
        assertThat(deployment.at("/spec/replicas").asInt()).as("SQLite: one server at a time").isEqualTo(1);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        JsonNode data = volume(deployment, "data");
        assertThat(data.at("/persistentVolumeClaim/claimName").asText()).isEqualTo("depot-data");
        assertThat(data.has("emptyDir")).isFalse();
        Map<String, String> config = strings(objects.get("ConfigMap/depot-config").get("data"));
        assertThat(config).doesNotContainKeys("DEPOT_DATABASE_URL", "DEPOT_STORAGE");
        assertDepotSettings(config, strings(objects.get("Secret/depot-secrets").get("stringData")));
        assertPod(deployment);
    }

    @Test
    void theSchemaRefusesAFieldKubernetesDoesNotHave() {
        // the check above is only worth something if a misspelt field fails it
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"x\"},"
                + "\"spec\":{\"selector\":{},\"template\":{\"spec\":{\"containers\":[{\"name\":\"x\",\"readinesProbe\":{}}]}}}}";
        assertThatThrownBy(() -> V1Deployment.validateJsonElement(JsonParser.parseString(deployment)))
                .hasMessageContaining("readinesProbe");
    }

    private static void assertPod(JsonNode deployment) {
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.get("containers").get(0);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).as("the image's user").isEqualTo(10001);
        assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(30);
        List<String> mounts = new ArrayList<>();
        container.get("volumeMounts").forEach(m -> mounts.add(m.get("mountPath").asText()));
        assertThat(mounts).as("the data volume of the image and a writable /tmp").contains("/data", "/tmp");
        assertThat(container.at("/image").asText()).startsWith("registry.example.org/depot:");
    }

    /** Every DEPOT_ variable is one of Depot's settings (a misspelt one would be ignored) or its log level. */
    private static void assertDepotSettings(Map<String, String> config, Map<String, String> secrets) {
        Set<String> names = new java.util.TreeSet<>(config.keySet());
        names.addAll(secrets.keySet());
        names.remove("DEPOT_LOG_LEVEL");
        assertThat(SETTINGS).containsAll(names);
    }

    private static JsonNode volume(JsonNode deployment, String name) {
        for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    /** The overlay built by kubectl, each object validated by the API schema, keyed by kind/name. */
    private static Map<String, JsonNode> build(String overlay) throws IOException {
        assumeTrue(Command.available("kubectl"), "kubectl is not installed");
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("v1\\.(\\d+)")
                .matcher(Command.run(Duration.ofMinutes(1), "kubectl", "version", "--client").output());
        assumeTrue(v.find() && Integer.parseInt(v.group(1)) >= 21,
                "kubectl before 1.21 embeds kustomize 2, which lacks the patches field");
        Command.Result built = Command.run(Duration.ofMinutes(1), "kubectl", "kustomize", "deploy/kubernetes/" + overlay);
        assertThat(built.exit()).as(built.output()).isZero();
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        for (JsonNode object : YAML.readerFor(JsonNode.class).<JsonNode>readValues(built.output()).readAll()) {
            String kind = object.get("kind").asText();
            validate(kind, object.toString());
            objects.put(kind + "/" + object.at("/metadata/name").asText(), object);
        }
        return objects;
    }

    private static void validate(String kind, String json) throws IOException {
        var element = JsonParser.parseString(json);
        switch (kind) {
            case "Deployment" -> V1Deployment.validateJsonElement(element);
            case "Service" -> V1Service.validateJsonElement(element);
            case "ConfigMap" -> V1ConfigMap.validateJsonElement(element);
            case "Secret" -> V1Secret.validateJsonElement(element);
            case "PodDisruptionBudget" -> V1PodDisruptionBudget.validateJsonElement(element);
            case "PersistentVolumeClaim" -> V1PersistentVolumeClaim.validateJsonElement(element);
            default -> throw new AssertionError("no schema checked for " + kind);
        }
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
