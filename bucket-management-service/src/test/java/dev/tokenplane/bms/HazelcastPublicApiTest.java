package dev.tokenplane.bms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The BMS uses Hazelcast's public API only; the one class allowed its internals is token-store's
 * {@code HazelcastInternals} (its own ArchUnit rule keeps it so).
 */
@AnalyzeClasses(packages = "dev.tokenplane.bms", importOptions = ImportOption.DoNotIncludeTests.class)
class HazelcastPublicApiTest {

    @ArchTest
    static final ArchRule noHazelcastInternals = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.bms..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.hazelcast..impl..", "com.hazelcast..internal..")
            .because("Hazelcast's internals change without notice; token-store's HazelcastInternals is the one place");
}
