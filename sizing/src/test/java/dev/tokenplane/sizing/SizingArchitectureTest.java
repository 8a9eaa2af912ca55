package dev.tokenplane.sizing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The sizing policy is pure: plain Java, time as an argument, no framework, no I/O. */
@AnalyzeClasses(packages = "dev.tokenplane.sizing", importOptions = ImportOption.DoNotIncludeTests.class)
class SizingArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyOnTheJdk = classes()
            .that()
            .resideInAPackage("dev.tokenplane.sizing..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java.lang..", "java.util..", "java.time..", "dev.tokenplane.sizing..")
            .because("the policy runs in the BMS, the simulator and tests alike: no Vert.x, Hazelcast or I/O");

    @ArchTest
    static final ArchRule readsNoClock = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.sizing..")
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .because("time is an argument, so that a fake clock drives every test");
}
