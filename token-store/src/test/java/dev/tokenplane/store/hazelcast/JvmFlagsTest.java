package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parent pom defines Hazelcast's module flags once as two lists (the jar manifest's form); its command-line form
 * must say exactly the same, so that tests, launchers and {@code java -jar bms.jar} run with the same opens.
 */
class JvmFlagsTest {

    @Test
    void shouldGiveTheCommandLineTheOpensAndExportsOfTheManifestLists() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        List<String> expected = new ArrayList<>(List.of("--add-modules", "java.se"));
        for (String export : property(pom, "hazelcast.add.exports").split("\\s+")) {
            expected.addAll(List.of("--add-exports", export + "=ALL-UNNAMED"));
        }
        for (String open : property(pom, "hazelcast.add.opens").split("\\s+")) {
            expected.addAll(List.of("--add-opens", open + "=ALL-UNNAMED"));
        }

        assertThat(property(pom, "hazelcast.jvm.flags").split("\\s+")).containsExactlyElementsOf(expected);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</").matcher(pom);
        assertThat(m.find()).as("the parent pom defines " + name).isTrue();
        return m.group(1).trim();
    }
}
