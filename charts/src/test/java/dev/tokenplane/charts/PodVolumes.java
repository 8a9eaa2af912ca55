package dev.tokenplane.charts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The rendered ConfigMaps and Secrets, and the volumes of a {@link LocalPod} made from them under its root. */
final class PodVolumes {

    private final RenderedChart chart;

    PodVolumes(RenderedChart chart) {
        this.chart = chart;
    }

    static String key(Map<String, String> data, String key) {
        return Optional.ofNullable(data.get(key)).orElseThrow(() -> new AssertionError("no key " + key));
    }

    /** A rendered Secret's keys, decoded. */
    Map<String, String> secret(String name) {
        Yamls.Node secret = chart.get("Secret", name);
        Map<String, String> data = new LinkedHashMap<>();
        if (secret.has("data")) {
            secret.map("data")
                    .forEach((k, v) -> data.put(
                            k, new String(Base64.getDecoder().decode(String.valueOf(v)), StandardCharsets.UTF_8)));
        }
        if (secret.has("stringData")) {
            secret.map("stringData").forEach((k, v) -> data.put(k, String.valueOf(v)));
        }
        return data;
    }

    Map<String, String> configMap(String name) {
        Map<String, String> data = new LinkedHashMap<>();
        chart.get("ConfigMap", name).map("data").forEach((k, v) -> data.put(k, String.valueOf(v)));
        return data;
    }

    /** Writes the pod's ConfigMaps and Secrets, empties its emptyDirs, links its host paths; keeps its claims. */
    void materialise(LocalPod pod) throws IOException {
        if (!pod.container.has("volumeMounts")) {
            return;
        }
        for (Yamls.Node mount : pod.container.list("volumeMounts")) {
            String volumeName = mount.string("name");
            Path target = pod.inRoot(mount.string("mountPath"));
            if (pod.claims.contains(volumeName)) {
                Files.createDirectories(target); // a claim outlives the pod: kept across restarts
                continue;
            }
            Yamls.Node volume = pod.spec.named(volumeName, "volumes");
            LocalPod.deleteTree(target);
            if (volume.has("emptyDir")) {
                Files.createDirectories(target);
            } else if (volume.has("hostPath")) {
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, Path.of(volume.string("hostPath", "path")));
            } else if (volume.has("configMap") || volume.has("secret")) {
                Map<String, String> data = volume.has("secret")
                        ? secret(volume.string("secret", "secretName"))
                        : configMap(volume.string("configMap", "name"));
                Yamls.Node source = volume.path(volume.has("secret") ? "secret" : "configMap");
                if (source.has("items")) {
                    Map<String, String> selected = new LinkedHashMap<>();
                    for (Yamls.Node item : source.list("items")) {
                        selected.put(item.string("path"), key(data, item.string("key")));
                    }
                    data = selected;
                }
                if (mount.has("subPath")) {
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, key(data, mount.string("subPath")), StandardCharsets.UTF_8);
                } else {
                    for (Map.Entry<String, String> file : data.entrySet()) {
                        Path path = target.resolve(file.getKey());
                        Files.createDirectories(path.getParent());
                        Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
                    }
                }
            } else {
                throw new AssertionError(pod + ": the harness cannot materialise volume " + volume.value());
            }
        }
    }
}
