package dev.wsgateway.policy.message.builtin;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.wsgateway.policy.message.Flow;
import dev.wsgateway.policy.message.MessagePolicy;
import dev.wsgateway.policy.message.MessagePolicyFactory;
import dev.wsgateway.route.JsonFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * {@code {"type": "jsonSchema", "direction": "clientToBackend", "schema": {...}, "binary": "reject"}}: see
 * {@link JsonSchemaPolicy}. {@code schema} is required: a JSON Schema 2020-12 object (a {@code $schema}, if given,
 * must name 2020-12). It is checked against the 2020-12 meta-schema and compiled here, so a bad schema is a field
 * error when the route is saved. References stay inside the schema ({@code #/$defs/...}): nothing is fetched from
 * the network or the class path. {@code format} is an annotation, not checked (the 2020-12 default).
 */
@ApplicationScoped
public class JsonSchemaPolicyFactory implements MessagePolicyFactory {
    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final Set<String> FIELDS = Set.of("schema", OnBinary.FIELD);

    /** 2020-12 by default, JSON pointers, first violation only, and only the bundled meta-schemas may be loaded. */
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER)
                            .failFast(true).build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)
                            .block(iri -> !iri.toString().startsWith("https://json-schema.org/draft/2020-12/"))));
    private volatile Schema metaSchema;

    @Override
    public String type() {
        return "jsonSchema";
    }

    @Override
    public MessagePolicy create(Set<Flow> flows, JsonFields settings) {
        settings.rejectUnknown(FIELDS);
        OnBinary binary = OnBinary.read(settings);
        if (!settings.has("schema")) {
            settings.error("schema", "is required: a JSON Schema (2020-12) object");
            return null;
        }
        JsonObject source = settings.object("schema");
        if (source == null) {
            return null;
        }
        Schema schema = compile(source, settings);
        return schema == null ? null : new JsonSchemaPolicy(flows, schema, source, binary);
    }

    /** The compiled schema, or null after reporting why it cannot be. */
    private Schema compile(JsonObject source, JsonFields settings) {
        if (source.containsKey("$schema")
                && !(source.get("$schema") instanceof JsonString s && s.getString().equals(DIALECT))) {
            settings.error("schema", "$schema must be " + DIALECT + " (or left out): only 2020-12 is supported");
            return null;
        }
        try {
            var node = JsonText.MAPPER.readTree(source.toString());
            List<Error> problems = metaSchema().validate(node);
            if (!problems.isEmpty()) {
                settings.error("schema", "is not a valid JSON Schema: " + JsonSchemaPolicy.reason(problems.get(0)));
                return null;
            }
            Schema schema = registry.getSchema(node);
            schema.initializeValidators(); // resolves every $ref now, not on the first message
            return schema;
        } catch (SchemaException | JacksonException e) {
            settings.error("schema", "cannot be compiled: " + e.getMessage());
            return null;
        }
    }

    private Schema metaSchema() {
        Schema meta = metaSchema;
        if (meta == null) {
            meta = registry.getSchema(SchemaLocation.of(DIALECT));
            metaSchema = meta;
        }
        return meta;
    }
}
