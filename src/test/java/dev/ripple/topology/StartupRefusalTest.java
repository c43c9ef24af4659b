package dev.ripple.topology;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ripple refuses to start on a bad rings/, naming every problem; on a good one it starts and announces it. */
class StartupRefusalTest {
    private final List<TopologyChanged> fired = new ArrayList<>();

    @Test
    void refusesToStartOnABrokenTreeListingEveryProblem() {
        TopologyService service = new TopologyService("src/test/resources/rings-broken", true, events(),
                Clock.systemUTC());

        assertThatThrownBy(() -> service.onStart(null))
                .isInstanceOf(InvalidRingsException.class)
                .hasMessageContaining("Refusing to start")
                .hasMessageContaining("topology/ring-1.yaml:")
                .satisfies(e -> assertThat(((InvalidRingsException) e).problems()).hasSizeGreaterThan(10));
        assertThat(service.isLoaded()).isFalse();
        assertThat(fired).isEmpty();
    }

    @Test
    void startsOnTheShippedTree() {
        TopologyService service = new TopologyService("rings", true, events(), Clock.systemUTC());

        service.onStart(null);

        assertThat(service.current().cells()).hasSize(15);
        assertThat(fired).singleElement().satisfies(e -> assertThat(e.previous()).isNull());
    }

    private Event<TopologyChanged> events() {
        return new Event<>() {
            @Override
            public void fire(TopologyChanged event) {
                fired.add(event);
            }

            @Override
            public <U extends TopologyChanged> CompletionStage<U> fireAsync(U event) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <U extends TopologyChanged> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Event<TopologyChanged> select(Annotation... qualifiers) {
                return this;
            }

            @Override
            public <U extends TopologyChanged> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public <U extends TopologyChanged> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
