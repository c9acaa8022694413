package dev.patchbay.agents;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package of this module's main code depends, directly or through others, on a package that depends
 * back on it (issue 15, as in the other modules). Each package is its own slice.
 */
class PackageCyclesTest {

    @Test
    void packagesFormNoCycle() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.patchbay.agents");
        // The root package (AgentsApi, AgentsMount: the wiring) is a slice too.
        slices().matching("dev.patchbay.(**)")
                .should().beFreeOfCycles()
                .check(main);
    }
}
