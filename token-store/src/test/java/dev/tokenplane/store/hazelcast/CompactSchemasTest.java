package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.nio.serialization.compact.CompactSerializer;
import org.junit.jupiter.api.Test;

/** The samples whose schemas a member replicates as it starts cover every Compact type of the store. */
class CompactSchemasTest {

    @Test
    void shouldHaveASampleOfEveryCompactTypeOfTheStore() {
        assertThat(CompactSchemas.ofStore())
                .map(Object::getClass)
                .containsExactlyInAnyOrderElementsOf(CompactSerializers.all().stream()
                        .map(CompactSerializer::getCompactClass)
                        .toList());
    }
}
