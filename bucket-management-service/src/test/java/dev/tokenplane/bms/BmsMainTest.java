package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of the BMS: secrets are never taken as flags. */
class BmsMainTest {
    static final String SECRET = "a-secret-that-would-show-in-ps-0123";

    @Test
    void shouldRefuseEverySecretAsAFlagNamingTheVariableAndItsFile() {
        for (String flag : List.of("--admin-token", "--agent-token", "--read-token")) {
            String variable = "BMS_" + flag.substring(2).toUpperCase().replace('-', '_');
            assertThatThrownBy(() -> BmsMain.settings(new String[] {flag, SECRET}, name -> null))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining(flag + " is refused")
                    .hasMessageContaining("ps")
                    .hasMessageContaining(variable)
                    .hasMessageContaining(variable + "_FILE")
                    .hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void shouldTakeSecretsFromTheEnvironmentAndOtherOptionsAsFlags() {
        BmsSettings s = BmsMain.settings(new String[] {"--port", "9123"}, Map.of("BMS_ADMIN_TOKEN", SECRET)::get);
        assertThat(s.port()).isEqualTo(9123);
        assertThat(s.adminToken()).contains(SECRET);
    }

    @Test
    void shouldNotListSecretFlagsInTheHelp() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(BmsMain.settings(new String[] {"--help"}, name -> null)).isNull();
        } finally {
            System.setOut(out);
        }
        String help = captured.toString(StandardCharsets.UTF_8);
        assertThat(help)
                .contains("--admin-token-file", "--read-token-file")
                .doesNotContain("--admin-token ", "--admin-token=", "--read-token ", "--read-token=");
    }
}
