package dev.tokenplane.transfer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The planner core stays pure; no part of the protocol knows Vert.x or Hazelcast. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tokenplane.transfer");

    @Test
    void shouldKeepThePlannerCoreFreeOfExecutionBreakersAndLogging() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.transfer")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.tokenplane.transfer.exec..",
                        "dev.tokenplane.transfer.breaker..",
                        "dev.tokenplane.transfer.pool..",
                        "io.github.resilience4j..",
                        "org.slf4j..",
                        "dev.tokenplane.store.local..")
                .check(CLASSES);
    }

    @Test
    void shouldKeepTheProtocolFreeOfVertxAndHazelcast() {
        noClasses()
                .that()
                .resideInAPackage("dev.tokenplane.transfer..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.vertx..", "com.hazelcast..")
                .check(CLASSES);
    }
}
