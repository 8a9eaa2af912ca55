package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the router describe the same operations, both ways, so they cannot drift apart. */
class OpenApiRoutesTest {
    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    @Test
    void shouldDescribeExactlyTheRoutesOfTheRouter() throws Exception {
        // Given the operations the running member's router serves
        Set<String> routed = new TreeSet<>();
        for (Route r : SharedBms.get().node.router().getRoutes()) {
            if (r.getPath() == null || r.methods() == null) {
                continue; // the catch-all failure handler
            }
            String path = r.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
            for (HttpMethod m : r.methods()) {
                routed.add(m.name() + " " + path);
            }
        }

        // And the operations the document describes
        JsonNode doc = Api.JSON.readTree(OpsRoutes.openApiDocument());
        Set<String> documented = new TreeSet<>();
        for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> ops = doc.get("paths").get(path).fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                if (HTTP_METHODS.contains(op)) {
                    documented.add(op.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }

        // Then they are the same set
        assertThat(routed).isNotEmpty().isEqualTo(documented);
    }

    @Test
    void shouldDocumentEveryErrorCodeOfTheContract() throws Exception {
        JsonNode codes =
                Api.JSON.readTree(OpsRoutes.openApiDocument()).at("/components/schemas/Error/properties/error/enum");
        Set<String> documented = new TreeSet<>();
        codes.forEach(c -> documented.add(c.asText()));

        assertThat(documented)
                .contains(
                        "bad_request",
                        "validation",
                        "unauthorized",
                        "not_found",
                        "no_rule",
                        "conflict",
                        "too_large",
                        "unsupported_media_type");
    }
}
