package dev.tokenplane.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core is pure Java: the adapters (local, Hazelcast, and Vert.x in other modules) depend on it, never back. */
@AnalyzeClasses(packages = "dev.tokenplane", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    @ArchTest
    static final ArchRule coreDependsOnlyOnTheJdk = classes()
            .that()
            .resideInAPackage("dev.tokenplane.store")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.tokenplane.store")
            .because("the bucket maths must stay free of Vert.x, Hazelcast and every other library");

    @ArchTest
    static final ArchRule coreKnowsNoFramework = noClasses()
            .that()
            .resideInAPackage("dev.tokenplane.store")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.vertx..", "com.hazelcast..");
}
