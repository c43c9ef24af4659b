package dev.ripple.topology;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code rings/} loader against generated trees (docs/reliability.md, "Bad input at volume"): valid trees load
 * into the rings and cells they declare; a tree with one thing broken is refused with problems that each name their
 * file, where in it and why, one of them naming the broken thing; nothing else ever comes out of the loader.
 * Tries: {@code jqwik.tries.default}, set from {@code -Dripple.props.tries} by the pom.
 */
class RingsFilesPropertyTest {
    private final RingsLoader loader = new RingsLoader(true);

    @Property
    void aTreeLoadsOrIsRefusedWithProblemsThatSayWhereAndWhy(@ForAll("trees") RingsTrees.Tree tree) {
        // When
        LoadResult result = loader.load(tree.files());

        // Then
        Statistics.label("outcome").collect(result instanceof LoadResult.Loaded ? "accepted" : "refused");
        Statistics.label("mutation").collect(tree.mutation());
        if (result instanceof LoadResult.Loaded loaded) {
            assertThat(tree.valid()).as("accepted, but should have been refused: %s", tree).isTrue();
            assertThat(loaded.topology().rings()).extracting(Ring::id).as("%s", tree)
                    .containsExactlyElementsOf(tree.ringIds());
            assertThat(loaded.topology().cells()).as("%s", tree).hasSize(tree.cellCount());
            return;
        }
        List<Problem> problems = ((LoadResult.Invalid) result).problems();
        assertThat(tree.valid()).as("refused with %s: %s", problems, tree).isFalse();
        assertThat(problems).as("%s", tree).isNotEmpty().allSatisfy(p -> {
            assertThat(p.file()).as("file of %s", p).isNotBlank()
                    .satisfiesAnyOf(f -> assertThat(tree.files()).containsKey(f), f -> assertThat(f).endsWith("/"));
            assertThat(p.reason()).as("reason of %s", p).isNotBlank();
            assertThat(p.line()).as("line of %s", p).isNotNegative();
            assertThat(p.toString()).startsWith(p.file()).contains(p.reason());
            if (tree.secret() != null) {
                assertThat(p.toString()).as("a problem repeats the inline credential").doesNotContain(tree.secret());
            }
        });
        assertThat(problems).as("no problem of %s names %s: %s", tree.file(), tree.names(), problems)
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo(tree.file());
                    if (tree.names() != null) {
                        assertThat(p.path() + ": " + p.reason()).contains(tree.names());
                    }
                });
    }

    @Provide
    Arbitrary<RingsTrees.Tree> trees() {
        return RingsTrees.trees();
    }
}
