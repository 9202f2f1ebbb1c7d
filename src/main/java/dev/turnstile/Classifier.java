package dev.turnstile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Classifies JSON-RPC calls. A method maps to read, write or bypass; by default {@code tools/call}
 * is classified by its tool name and every other method bypasses. A tool name is classified, in
 * order, by an exact rule, the most specific matching glob rule ({@code *} and {@code ?}; among
 * equally specific matches the strongest class, write > read > bypass, whatever the rules' order),
 * the read prefixes ({@code read_}, {@code get_}, {@code list_}), else as a write: unknown means
 * exclusive, which is also MCP's default for a tool without {@code readOnlyHint}.
 */
public final class Classifier {

    /** The JSON-RPC method whose calls are classified by tool name: {@value}. */
    public static final String TOOLS_CALL = "tools/call";
    /** The read prefixes of the heuristic unless {@link Builder#readPrefixes} replaces them. */
    public static final List<String> DEFAULT_READ_PREFIXES = List.of("read_", "get_", "list_");

    private final Map<String, CallClass> methods;
    private final Map<String, CallClass> exactTools;
    private final List<GlobRule> globTools;
    private final List<String> readPrefixes;

    private Classifier(Builder b) {
        this.methods = Map.copyOf(b.methods);
        this.exactTools = Map.copyOf(b.exactTools);
        List<GlobRule> globs = new ArrayList<>();
        b.globTools.forEach((glob, callClass) -> globs.add(GlobRule.of(glob, callClass)));
        globs.sort(Comparator.comparingInt(GlobRule::specificity).reversed()); // most specific first
        this.globTools = List.copyOf(globs);
        this.readPrefixes = List.copyOf(b.readPrefixes);
    }

    /**
     * Starts a classifier with no rules and the default read prefixes.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default rules only: {@code tools/call} by tool name (read prefixes, else write), every other
     * method bypasses.
     *
     * @return a classifier without rules
     */
    public static Classifier defaults() {
        return builder().build();
    }

    /**
     * The class of a call, by the rules alone.
     *
     * @param method   the JSON-RPC method
     * @param toolName the tool's name ({@code params.name}); matters only for {@code tools/call} without
     *                 a method rule; null counts as an empty name
     * @return the call's class
     */
    public CallClass classify(String method, String toolName) {
        return classify(method, toolName, tool -> null);
    }

    /**
     * The class of a call, with what was learned about tools: {@code learned} gives a tool's learned
     * class (from its server's {@code readOnlyHint}) or null, and is asked only when no exact or glob
     * rule names the tool, so learning never overrides an operator's rule.
     *
     * @param method   the JSON-RPC method
     * @param toolName the tool's name ({@code params.name}); matters only for {@code tools/call} without
     *                 a method rule; null counts as an empty name
     * @param learned  the learned class of a tool by name, or null when nothing was learned
     * @return the call's class
     */
    public CallClass classify(String method, String toolName, Function<String, CallClass> learned) {
        CallClass byMethod = methods.get(method);
        if (byMethod != null) {
            return byMethod;
        }
        if (!TOOLS_CALL.equals(method)) {
            return CallClass.BYPASS;
        }
        return classifyTool(toolName == null ? "" : toolName, learned);
    }

    /**
     * The class of a tool by name alone (used by {@code @Guarded} on tool handlers).
     *
     * @param toolName the tool's name; not null
     * @return the tool's class
     */
    public CallClass classifyTool(String toolName) {
        return classifyTool(toolName, tool -> null);
    }

    /**
     * The class of a tool, in order: an exact rule, the most specific glob rule, the learned class,
     * the read prefixes, otherwise write.
     *
     * @param toolName the tool's name; not null
     * @param learned  the learned class of a tool by name, or null when nothing was learned
     * @return the tool's class
     */
    public CallClass classifyTool(String toolName, Function<String, CallClass> learned) {
        CallClass exact = exactTools.get(toolName);
        if (exact != null) {
            return exact;
        }
        CallClass byGlob = classifyByGlob(toolName);
        if (byGlob != null) {
            return byGlob;
        }
        CallClass fromServer = learned.apply(toolName);
        if (fromServer != null) {
            return fromServer;
        }
        for (String prefix : readPrefixes) {
            if (toolName.startsWith(prefix) && toolName.length() > prefix.length()) {
                return CallClass.READ;
            }
        }
        return CallClass.WRITE;
    }

    /**
     * The class of the most specific matching globs; when several of equal specificity match,
     * the strongest of their classes (write > read > bypass), whatever the order of the rules.
     * Null when no glob matches.
     */
    private CallClass classifyByGlob(String toolName) {
        CallClass found = null;
        int specificity = -1;
        for (GlobRule glob : globTools) {
            if (found != null && glob.specificity() < specificity) {
                break; // sorted: only less specific globs follow
            }
            if (glob.pattern().matcher(toolName).matches()) {
                found = found == null ? glob.callClass() : found.strongest(glob.callClass());
                specificity = glob.specificity();
            }
        }
        return found;
    }

    /** A glob rule; its specificity is the number of its characters other than {@code *}. */
    private record GlobRule(Pattern pattern, int specificity, CallClass callClass) {

        static GlobRule of(String glob, CallClass callClass) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            int specificity = (int) glob.chars().filter(c -> c != '*').count();
            return new GlobRule(Pattern.compile(regex.toString(), Pattern.DOTALL), specificity, callClass);
        }
    }

    /** Collects rules; {@link #build()} copies them. */
    public static final class Builder {
        private final Map<String, CallClass> methods = new HashMap<>();
        private final Map<String, CallClass> exactTools = new HashMap<>();
        private final Map<String, CallClass> globTools = new LinkedHashMap<>();
        private List<String> readPrefixes = DEFAULT_READ_PREFIXES;

        private Builder() {}

        /**
         * A method rule, for example {@code resources/read → READ}. It wins over the tool rules: a rule
         * for {@code tools/call} classifies every tool call alike.
         *
         * @param method    the JSON-RPC method
         * @param callClass its class
         * @return this builder
         * @throws NullPointerException when an argument is null
         */
        public Builder method(String method, CallClass callClass) {
            methods.put(Objects.requireNonNull(method, "method"), Objects.requireNonNull(callClass, "callClass"));
            return this;
        }

        /**
         * A tool rule: an exact name, or a glob when it contains {@code *} or {@code ?}. A glob
         * given twice keeps the stronger class, as globs of equal specificity do; an exact name given
         * twice keeps the last class.
         *
         * @param nameOrGlob a tool name, or a glob of tool names
         * @param callClass  their class
         * @return this builder
         * @throws NullPointerException when an argument is null
         */
        public Builder tool(String nameOrGlob, CallClass callClass) {
            Objects.requireNonNull(nameOrGlob, "tool");
            Objects.requireNonNull(callClass, "callClass");
            if (nameOrGlob.indexOf('*') >= 0 || nameOrGlob.indexOf('?') >= 0) {
                globTools.merge(nameOrGlob, callClass, CallClass::strongest);
            } else {
                exactTools.put(nameOrGlob, callClass);
            }
            return this;
        }

        /**
         * Replaces the read prefixes of the heuristic (an empty list turns it off).
         *
         * @param prefixes the prefixes that mark a tool name as a read; copied
         * @return this builder
         */
        public Builder readPrefixes(List<String> prefixes) {
            this.readPrefixes = List.copyOf(prefixes);
            return this;
        }

        /**
         * Builds the classifier from a copy of the rules collected so far.
         *
         * @return an immutable classifier
         */
        public Classifier build() {
            return new Classifier(this);
        }
    }
}
