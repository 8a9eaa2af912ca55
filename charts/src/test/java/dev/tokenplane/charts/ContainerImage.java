package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image tarball in Docker's format ({@code docker save}, Jib's {@code buildTar}): its tags, its config and the
 * files of all its layers.
 *
 * @param repoTags  the image names in manifest.json
 * @param config    the "config" object of the image configuration (Entrypoint, Env, ExposedPorts, ...)
 * @param files     every regular file of every layer, as a path without the leading slash
 * @param jibFiles  the contents of Jib's small files under app/ (jib-classpath-file, jib-main-class-file)
 */
record ContainerImage(List<String> repoTags, JsonNode config, Set<String> files, Map<String, String> jibFiles) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ContainerImage read(Path tarball) throws IOException {
        Map<String, byte[]> top = new HashMap<>();
        Set<String> files = new TreeSet<>();
        Map<String, String> jibFiles = new HashMap<>();
        try (TarArchiveInputStream image = new TarArchiveInputStream(Files.newInputStream(tarball))) {
            for (TarArchiveEntry entry; (entry = image.getNextEntry()) != null; ) {
                if (entry.getName().endsWith(".tar.gz")) {
                    readLayer(image, files, jibFiles);
                } else if (entry.getName().endsWith(".json")) {
                    top.put(entry.getName(), image.readAllBytes());
                }
            }
        }
        JsonNode manifest = JSON.readTree(top.get("manifest.json")).get(0);
        JsonNode configuration = JSON.readTree(top.get(manifest.get("Config").asText()));
        List<String> tags = new ArrayList<>();
        manifest.get("RepoTags").forEach(t -> tags.add(t.asText()));
        return new ContainerImage(tags, configuration.get("config"), files, jibFiles);
    }

    /** The entrypoint, as a list (empty when the image has none). */
    List<String> entrypoint() {
        return strings("Entrypoint");
    }

    /** The command: the entrypoint's arguments, or the program itself when there is no entrypoint. */
    List<String> cmd() {
        return strings("Cmd");
    }

    /** The working directory, "/" when the image gives none. */
    String workingDir() {
        String dir = config.path("WorkingDir").asText("");
        return dir.isEmpty() ? "/" : dir;
    }

    /** The user the process runs as, empty for root. */
    String user() {
        return config.path("User").asText("");
    }

    /** The labels, inherited from the base image and the image's own. */
    Map<String, String> labels() {
        Map<String, String> labels = new HashMap<>();
        config.path("Labels")
                .properties()
                .forEach(l -> labels.put(l.getKey(), l.getValue().asText()));
        return labels;
    }

    private List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        config.path(field).forEach(e -> values.add(e.asText()));
        return values;
    }

    /** "8080/tcp" and so on. */
    Set<String> exposedPorts() {
        Set<String> ports = new TreeSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return ports;
    }

    /** The environment as name -> value. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        config.path("Env").forEach(e -> {
            String[] pair = e.asText().split("=", 2);
            env.put(pair[0], pair[1]);
        });
        return env;
    }

    private static void readLayer(InputStream compressed, Set<String> files, Map<String, String> jibFiles)
            throws IOException {
        // Neither stream is closed here: closing them would close the image stream they read from.
        TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(compressed));
        for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
            String name = entry.getName().replaceFirst("^/", "");
            if (entry.isFile()) {
                files.add(name);
                if (name.startsWith("app/jib-")) {
                    jibFiles.put(name, new String(layer.readAllBytes(), StandardCharsets.UTF_8).strip());
                }
            }
        }
    }
}
