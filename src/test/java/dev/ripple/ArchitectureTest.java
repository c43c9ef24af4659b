package dev.ripple;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The package boundaries: domain packages stay free of the web layer, and the gate model free of any framework. */
class ArchitectureTest {
    private static final JavaClasses RIPPLE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ripple");

    @Test
    void onlyTheApiPackageServesHttpResources() {
        noClasses().that().resideOutsideOfPackages("dev.ripple.api..", "dev.ripple.cells..")
                .should().dependOnClassesThat().resideInAPackage("jakarta.ws.rs..")
                .because("REST resources live in api; cells uses JAX-RS types only for its REST client")
                .check(RIPPLE);
    }

    @Test
    void noDomainPackageDependsOnTheApi() {
        noClasses().that().resideOutsideOfPackage("dev.ripple.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.ripple.api..")
                .check(RIPPLE);
    }

    @Test
    void theGateModelAndHealthPoliciesArePlainJava() {
        noClasses().that().resideInAnyPackage("dev.ripple.flags..", "dev.ripple.health..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.vertx..",
                        "io.smallrye..", "org.hibernate..")
                .check(RIPPLE);
    }

    @Test
    void persistenceStaysInTheStores() {
        noClasses().that().resideOutsideOfPackages("dev.ripple.cache..", "dev.ripple.rollout.store..",
                        "dev.ripple.incidents..", "dev.ripple.audit..")
                .should().dependOnClassesThat().resideInAPackage("jakarta.persistence..")
                .check(RIPPLE);
    }

    @Test
    void theRolloutEngineKnowsNeitherHttpNorTheDatabase() {
        noClasses().that().resideInAPackage("dev.ripple.rollout")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "jakarta.persistence..",
                        "org.hibernate..", "dev.ripple.rollout.store..")
                .check(RIPPLE);
    }
}
