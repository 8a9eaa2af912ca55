package dev.tokenplane.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The objects {@code helm template} renders from the chart, parsed, with lookups by kind and name.
 *
 * <p>Rendering goes through the Helm library embedded by helm-java, so it validates the values against
 * {@code values.schema.json} exactly as {@code helm install} does.
 */
final class RenderedChart {

    static final Path CHART = Path.of("tokenplane");
    static final String RELEASE = "tp";
    static final String NAMESPACE = "rate";
    /** A Kubernetes version inside the chart's kubeVersion range (helm-java defaults to 1.20). */
    static final String KUBE_VERSION = "1.30.0";

    private final String manifest;
    private final List<Map<String, Object>> objects;

    private RenderedChart(String manifest) {
        this.manifest = manifest;
        this.objects = parse(manifest);
    }

    /** Renders release {@value #RELEASE} into namespace {@value #NAMESPACE}; {@code options} adds values. */
    static RenderedChart render(UnaryOperator<TemplateCommand> options) {
        FakeKubeApi.get();
        TemplateCommand command = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        return new RenderedChart(options.apply(command).call());
    }

    /**
     * Renders like {@link #render} with the hooks too ({@code helm test} pods), which the embedded {@code helm
     * template} leaves out: a copy of the chart is rendered in which each {@code helm.sh/hook*} annotation is renamed
     * {@value #HOOK_PREFIX}{@code helm.sh/hook*}, so the hooks render as ordinary objects and still show their
     * annotations.
     */
    static RenderedChart renderWithHooks(UnaryOperator<TemplateCommand> options) {
        FakeKubeApi.get();
        Path copy = copyWithHooksUnhooked();
        TemplateCommand command = new Helm(copy)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        return new RenderedChart(options.apply(command).call());
    }

    static final String HOOK_PREFIX = "rendered.";

    private static Path copyWithHooksUnhooked() {
        try {
            Path copy = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chart-hooks");
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path file : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else if (file.startsWith(CHART.resolve("templates"))) {
                        Files.writeString(
                                target, Files.readString(file).replace("helm.sh/hook", HOOK_PREFIX + "helm.sh/hook"));
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RenderedChart renderDefaults() {
        return render(UnaryOperator.identity());
    }

    /** The chart's appVersion, the default tag of both images. */
    static String appVersion() {
        try {
            return String.valueOf(
                    Yamls.parse(Files.readString(CHART.resolve("Chart.yaml"))).get("appVersion"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String manifest() {
        return manifest;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    List<String> kinds() {
        return objects.stream().map(o -> (String) o.get("kind")).sorted().collect(Collectors.toList());
    }

    Yamls.Node get(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(Yamls.at(o, "metadata", "name")))
                .findFirst()
                .map(Yamls.Node::new)
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in:\n" + manifest));
    }

    boolean has(String kind, String name) {
        return objects.stream()
                .anyMatch(o -> kind.equals(o.get("kind")) && name.equals(Yamls.at(o, "metadata", "name")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String manifest) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (Object document : yaml.loadAll(manifest)) {
            if (document != null) {
                parsed.add((Map<String, Object>) document);
            }
        }
        parsed.forEach(o -> Objects.requireNonNull(o.get("kind"), "an object without kind"));
        return parsed;
    }
}
