package dev.tokenplane.agent.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.tokenplane.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsFreeOfAdapters = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.agent.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "oshi..",
                    "io.vertx..",
                    "io.netty..",
                    "io.micrometer..",
                    "picocli..",
                    "org.slf4j..",
                    "dev.tokenplane.agent.sampling..",
                    "dev.tokenplane.agent.http..");

    @ArchTest
    static final ArchRule samplingKnowsNoNetwork = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.agent.sampling..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.vertx..", "io.micrometer..");
}
