package dev.tokenplane.runtime.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class SettingsTest {

    /** A setting as the services declare theirs. */
    record Example(String envName, String defaultValue, boolean secret) implements Setting {
        @Override
        public String flag() {
            return Setting.flagOf("DEMO_", envName);
        }

        @Override
        public String description() {
            return "an example";
        }
    }

    static final Example PORT = new Example("DEMO_PORT", "8080", false);
    static final Example TOKEN = new Example("DEMO_TOKEN", null, true);
    static final Example TOKEN_FILE = new Example("DEMO_TOKEN_FILE", null, false);
    static final List<Example> ALL = List.of(PORT, TOKEN, TOKEN_FILE);

    @TempDir
    Path dir;

    @Test
    void shouldDeriveTheFlagFromTheVariable() {
        assertThat(PORT.flag()).isEqualTo("--port");
        assertThat(TOKEN_FILE.flag()).isEqualTo("--token-file");
        assertThat(PORT.label()).isEqualTo("DEMO_PORT (--port)");
        assertThatThrownBy(() -> Setting.flagOf("OTHER_", "DEMO_PORT")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTakeTheFlagThenTheVariableThenTheDefault() {
        Map<String, String> env = Map.of("DEMO_PORT", "9000");

        assertThat(PORT.valueFrom("9100", env::get)).isEqualTo("9100");
        assertThat(PORT.valueFrom(null, env::get)).isEqualTo("9000");
        assertThat(PORT.valueFrom(null, Map.<String, String>of()::get)).isEqualTo("8080");
        assertThat(TOKEN.valueFrom(null, Map.<String, String>of()::get)).isNull();
    }

    @Test
    void shouldNameTheSettingAndNeverEchoASecret() {
        assertThat(new InvalidSettingException(PORT, "must be an integer in [0, 65535]", "http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DEMO_PORT (--port) must be an integer in [0, 65535], was 'http'");
        assertThat(new InvalidSettingException(TOKEN, "must be 16..512 characters", "short-secret"))
                .hasMessage("DEMO_TOKEN (--token) must be 16..512 characters");
    }

    @Test
    void shouldReadASecretFromItsVariableOrItsFileNotBoth() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "  from-a-file\n");

        assertThat(SecretFiles.read(TOKEN, "direct", TOKEN_FILE, null)).contains("direct");
        assertThat(SecretFiles.read(TOKEN, " ", TOKEN_FILE, "")).isEmpty();
        assertThat(SecretFiles.read(TOKEN, null, TOKEN_FILE, file.toString())).contains("from-a-file");
        assertThatThrownBy(() -> SecretFiles.read(TOKEN, "direct", TOKEN_FILE, file.toString()))
                .hasMessage("DEMO_TOKEN (--token) and DEMO_TOKEN_FILE are both set: set one");
    }

    @Test
    void shouldRefuseAMissingOrEmptySecretFile() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        String missing = dir.resolve("none").toString();

        assertThatThrownBy(() -> SecretFiles.read(TOKEN, null, TOKEN_FILE, missing))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("DEMO_TOKEN_FILE (--token-file) must name a readable file, was '" + missing + "'");
        assertThatThrownBy(() -> SecretFiles.read(TOKEN, null, TOKEN_FILE, dir.toString()))
                .hasMessageContaining("must name a readable file");
        assertThatThrownBy(() -> SecretFiles.read(TOKEN, null, TOKEN_FILE, empty.toString()))
                .hasMessageContaining("DEMO_TOKEN_FILE (--token-file) names an empty file");
    }

    @Test
    void shouldParseFlagsAndRefuseASecretOne() {
        CommandLine cli = commandLine();

        assertThat(SettingsCommandLine.flags(cli, cli.parseArgs("--port", "9000"), ALL))
                .containsExactly(Map.entry(PORT, "9000"));
        CommandLine again = commandLine();
        assertThatThrownBy(() -> SettingsCommandLine.flags(again, again.parseArgs("--token", "s3cret-value"), ALL))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--token is refused")
                .hasMessageContaining("DEMO_TOKEN_FILE")
                .hasMessageNotContaining("s3cret-value");
    }

    @Test
    void shouldShowEachVariableAndDefaultInTheHelpButNoSecretFlag() {
        String help = commandLine().getUsageMessage();

        assertThat(help).contains("--port", "[DEMO_PORT, default: '8080']", "--token-file", "[DEMO_TOKEN_FILE]");
        assertThat(help).doesNotContain("--token ").doesNotContain("--token=");
    }

    private static CommandLine commandLine() {
        CommandSpec spec = CommandSpec.create().name("demo");
        SettingsCommandLine.addOptions(spec, ALL);
        return new CommandLine(spec);
    }
}
