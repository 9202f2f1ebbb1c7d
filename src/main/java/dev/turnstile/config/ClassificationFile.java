package dev.turnstile.config;

import dev.turnstile.CallClass;
import dev.turnstile.Classifier;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;

/**
 * Reads the classification file with JSON-B:
 * <pre>{@code
 * {
 *   "methods": { "resources/read": "read", "prompts/get": "bypass" },
 *   "tools":   { "lookup_*": "read", "create_refund": "write" },
 *   "operationClasses": { "refund_small": "write" },
 *   "readPrefixes": ["read_", "get_", "list_"]
 * }
 * }</pre>
 * {@code operationClasses} is the seed gateway's key (values {@code read}/{@code write}) and adds
 * tool rules like {@code tools}. Unknown keys and values fail, naming the entry.
 */
final class ClassificationFile {

    private ClassificationFile() {}

    /**
     * Reads a classification file.
     *
     * @param in     the file's content
     * @param source what to call the file in messages, for example its path
     * @return a classifier with the file's rules
     * @throws IllegalArgumentException when the file is not valid JSON, not an object, or has an unknown
     *                                  key or value; the message names the source and the entry
     * @throws IllegalStateException    when no JSON-B implementation is on the class path
     */
    public static Classifier read(InputStream in, String source) {
        return read(in, source, TurnstileSettings.CLASSIFICATION_FILE);
    }

    /** As {@link #read(InputStream, String)}; a missing JSON-B implementation is reported as {@code setting}'s. */
    static Classifier read(InputStream in, String source, String setting) {
        Jsonb jsonb = newJsonb(setting);
        Object parsed;
        try (jsonb) {
            parsed = jsonb.fromJson(in, Object.class);
        } catch (JsonbException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException(source + " cannot be read: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(source + " must hold a JSON object");
        }
        Classifier.Builder builder = Classifier.builder();
        for (Map.Entry<?, ?> entry : root.entrySet()) {
            String key = String.valueOf(entry.getKey());
            switch (key) {
                case "methods" ->
                    rules(source, key, entry.getValue()).forEach(r -> builder.method(r.name, r.callClass));
                case "tools" -> rules(source, key, entry.getValue()).forEach(r -> builder.tool(r.name, r.callClass));
                case "operationClasses" ->
                    rules(source, key, entry.getValue()).forEach(r -> {
                        if (r.callClass == CallClass.BYPASS) {
                            throw new IllegalArgumentException(
                                    source + ": operationClasses." + r.name + " must be read or write: 'bypass'");
                        }
                        builder.tool(r.name, r.callClass);
                    });
                case "readPrefixes" -> builder.readPrefixes(prefixes(source, entry.getValue()));
                default ->
                    throw new IllegalArgumentException(source + ": unknown key '" + key
                            + "' (expected methods, tools, operationClasses or readPrefixes)");
            }
        }
        return builder.build();
    }

    private static Jsonb newJsonb(String setting) {
        try {
            return JsonbBuilder.create();
        } catch (JsonbException | ServiceConfigurationError | NoClassDefFoundError e) {
            throw new IllegalStateException(
                    setting + " is set but no JSON-B implementation is on the class path:"
                            + " add one such as org.eclipse:yasson (a full Jakarta EE server has one)",
                    e);
        }
    }

    private record Rule(String name, CallClass callClass) {}

    private static List<Rule> rules(String source, String key, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(source + ": " + key + " must be an object of name: class");
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String entry = source + ": " + key + "." + e.getKey();
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(entry + " must be read, write or bypass: '" + e.getValue() + "'");
            }
            rules.add(new Rule(String.valueOf(e.getKey()), CallClass.parse(entry, s)));
        }
        return rules;
    }

    private static List<String> prefixes(String source, Object value) {
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException(source + ": readPrefixes must be an array of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
