package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReportTemplateTest {

    private static final ReportTemplate TEXT = ReportTemplate.parse("""
            comment
            @@ one
            Seed {{seed}}, {{seed}} again.

            @@ two
            Last {{n}}.
            """);

    @Test
    void shouldFillEveryPlaceholderAndKeepTheSectionsBlankLines() {
        assertThat(TEXT.fill("one", "seed", 42)).isEqualTo("Seed 42, 42 again.\n\n");
        assertThat(TEXT.fill("two", "n", "$1")).isEqualTo("Last $1.\n");
    }

    @Test
    void shouldRefuseAMissingValueAnUnusedValueAndAnUnknownSection() {
        assertThatThrownBy(() -> TEXT.fill("one")).hasMessageContaining("{{seed}}");
        assertThatThrownBy(() -> TEXT.fill("two", "n", 1, "extra", 2)).hasMessageContaining("extra");
        assertThatThrownBy(() -> TEXT.fill("three")).hasMessageContaining("three");
    }

    @Test
    void shouldHaveEverySectionTheReportUses() {
        ReportTemplate text = ReportTemplate.load();
        for (String section : new String[] {"header", "summary", "robustness", "forecasters", "losses", "no-loss"}) {
            assertThat(text.fill(section, section.equals("no-loss") ? new Object[0] : args(section)))
                    .isNotBlank();
        }
    }

    private static Object[] args(String section) {
        return switch (section) {
            case "header" -> new Object[] {"seed", 1, "rebuildCommand", "x"};
            case "summary" -> new Object[] {"overloadPenalty", 1};
            case "forecasters" -> new Object[] {"seed", 1, "defaultForecaster", "EWMA"};
            default -> new Object[] {"seed", 1};
        };
    }
}
