package dev.tokenplane.bms.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import dev.tokenplane.bms.http.OpsRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document the BMS serves, as a checker of real responses: the schema an operation documents for a status
 * code, validated with the OpenAPI 3.0 dialect (networknt json-schema-validator).
 */
public final class OpenApiContract {

    private static final String DOCUMENT = "classpath:" + OpsRoutes.OPENAPI.substring(1);
    private static final String SCHEMA_REF = "#/components/schemas/";

    private final JsonNode document;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V4,
            builder -> builder.metaSchema(OpenApi30.getInstance())
                    .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    public OpenApiContract() {
        try {
            this.document = Api.JSON.readTree(OpsRoutes.openApiDocument());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole document. */
    public JsonNode document() {
        return document;
    }

    /** The response the document gives {@code method path} (a template: {@code /v1/rules/{ruleId}}) for a status. */
    public Optional<JsonNode> response(String method, String pathTemplate, int status) {
        JsonNode r = document.path("paths")
                .path(pathTemplate)
                .path(method.toLowerCase(Locale.ROOT))
                .path("responses")
                .path(Integer.toString(status));
        return r.isMissingNode() ? Optional.empty() : Optional.of(r);
    }

    /** The name of the component schema of a JSON response, or empty when the response has no JSON body. */
    public Optional<String> jsonSchemaName(JsonNode response) {
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return Optional.empty();
        }
        String ref = schema.path("$ref").asText("");
        if (!ref.startsWith(SCHEMA_REF)) {
            throw new AssertionError("a JSON response's schema should be a named component: " + schema);
        }
        return Optional.of(ref.substring(SCHEMA_REF.length()));
    }

    /** What is wrong with {@code body} as an instance of component schema {@code name}; empty when it is valid. */
    public List<String> violations(String name, JsonNode body) {
        JsonSchema schema =
                schemas.computeIfAbsent(name, n -> factory.getSchema(SchemaLocation.of(DOCUMENT + SCHEMA_REF + n)));
        return schema.validate(body).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }
}
