package dev.tokenplane.bms.stats;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The counting and merging of statistics is pure; only the task and the gathering know Hazelcast. */
class StatsArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tokenplane.bms.stats");

    @Test
    void shouldKeepCountingAndMergingFreeOfVertxAndHazelcast() {
        noClasses()
                .that()
                .haveNameNotMatching(".*\\.(ClusterStats|StatsTask)(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "com.hazelcast..")
                .check(CLASSES);
    }
}
