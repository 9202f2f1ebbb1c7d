package dev.turnstile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tool rules: exact names first, then the most specific glob, ties to the stronger class, then prefixes. */
class ClassifierTest {

    /** Two globs of equal specificity (four characters other than *) that both match "lookup_x". */
    static Stream<Arguments> equallySpecificGlobs() {
        return Stream.of(
                Arguments.of(
                        "read then write",
                        List.of(rule("look*", CallClass.READ), rule("*up_x", CallClass.WRITE)),
                        CallClass.WRITE),
                Arguments.of(
                        "write then read",
                        List.of(rule("*up_x", CallClass.WRITE), rule("look*", CallClass.READ)),
                        CallClass.WRITE),
                Arguments.of(
                        "bypass then read",
                        List.of(rule("look*", CallClass.BYPASS), rule("*up_x", CallClass.READ)),
                        CallClass.READ),
                Arguments.of(
                        "read then bypass",
                        List.of(rule("*up_x", CallClass.READ), rule("look*", CallClass.BYPASS)),
                        CallClass.READ));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("equallySpecificGlobs")
    void shouldResolveEquallySpecificGlobsToTheStrongerClassInEitherOrder(
            String order, List<Map.Entry<String, CallClass>> rules, CallClass expected) {
        assertEquals(expected, classifier(rules).classifyTool("lookup_x"));
    }

    @Test
    void shouldResolveThreeEquallySpecificGlobsToTheStrongestInEveryOrder() {
        List<Map.Entry<String, CallClass>> rules =
                List.of(rule("a*", CallClass.READ), rule("*z", CallClass.WRITE), rule("?*", CallClass.BYPASS));
        for (List<Integer> order : List.of(
                List.of(0, 1, 2),
                List.of(0, 2, 1),
                List.of(1, 0, 2),
                List.of(1, 2, 0),
                List.of(2, 0, 1),
                List.of(2, 1, 0))) {
            List<Map.Entry<String, CallClass>> ordered =
                    order.stream().map(rules::get).toList();
            assertEquals(CallClass.WRITE, classifier(ordered).classifyTool("abz"), ordered::toString);
        }
    }

    @Test
    void shouldKeepTheStrongerClassOfAGlobGivenTwice() {
        assertEquals(
                CallClass.WRITE,
                Classifier.builder()
                        .tool("lookup_*", CallClass.WRITE)
                        .tool("lookup_*", CallClass.READ)
                        .build()
                        .classifyTool("lookup_x"));
        assertEquals(
                CallClass.WRITE,
                Classifier.builder()
                        .tool("lookup_*", CallClass.READ)
                        .tool("lookup_*", CallClass.WRITE)
                        .build()
                        .classifyTool("lookup_x"));
    }

    @Test
    void shouldPreferAMoreSpecificGlobEvenWhenItIsWeaker() {
        Classifier c = Classifier.builder()
                .tool("lookup_*", CallClass.WRITE)
                .tool("lookup_user*", CallClass.READ)
                .build();
        assertEquals(CallClass.READ, c.classifyTool("lookup_users"));
        assertEquals(CallClass.WRITE, c.classifyTool("lookup_orders"));
    }

    @Test
    void shouldIgnoreEquallySpecificGlobsThatDoNotMatch() {
        Classifier c = Classifier.builder()
                .tool("lookup_*", CallClass.READ)
                .tool("delete_*", CallClass.WRITE)
                .build();
        assertEquals(CallClass.READ, c.classifyTool("lookup_x"));
    }

    @Test
    void shouldCountQuestionMarksButNotStarsAsSpecific() {
        Classifier c = Classifier.builder()
                .tool("ab*", CallClass.WRITE)
                .tool("a??", CallClass.READ)
                .build();
        assertEquals(CallClass.READ, c.classifyTool("abc"), "a?? (3) is more specific than ab* (2)");
    }

    @Test
    void shouldPreferAnExactRuleToAnyGlob() {
        Classifier c = Classifier.builder()
                .tool("lookup_*", CallClass.WRITE)
                .tool("lookup_x", CallClass.BYPASS)
                .build();
        assertEquals(CallClass.BYPASS, c.classifyTool("lookup_x"));
    }

    @Test
    void shouldFallBackOnThePrefixesAndThenWrite() {
        Classifier c = Classifier.builder().tool("lookup_*", CallClass.READ).build();
        assertEquals(CallClass.READ, c.classifyTool("get_x"));
        assertEquals(CallClass.WRITE, c.classifyTool("put_x"));
    }

    private static Map.Entry<String, CallClass> rule(String glob, CallClass callClass) {
        return Map.entry(glob, callClass);
    }

    private static Classifier classifier(List<Map.Entry<String, CallClass>> rules) {
        Classifier.Builder b = Classifier.builder();
        rules.forEach(r -> b.tool(r.getKey(), r.getValue()));
        return b.build();
    }

    @Test
    void aLearnedAnnotationComesAfterTheRulesAndBeforeThePrefixes() {
        Classifier c = Classifier.builder()
                .tool("create_refund", CallClass.WRITE)
                .tool("lookup_*", CallClass.READ)
                .tool("bulk_*", CallClass.WRITE)
                .build();
        java.util.Map<String, CallClass> learned = java.util.Map.of(
                "create_refund",
                CallClass.READ,
                "lookup_charge",
                CallClass.WRITE,
                "bulk_delete",
                CallClass.READ,
                "fetch_invoice",
                CallClass.READ,
                "get_secret",
                CallClass.WRITE);
        java.util.function.Function<String, CallClass> lookup = learned::get;
        assertEquals(CallClass.WRITE, c.classify("tools/call", "create_refund", lookup), "an exact rule wins");
        assertEquals(CallClass.READ, c.classify("tools/call", "lookup_charge", lookup), "a glob rule wins");
        assertEquals(
                CallClass.WRITE, c.classify("tools/call", "bulk_delete", lookup), "a write rule is never weakened");
        assertEquals(
                CallClass.READ, c.classify("tools/call", "fetch_invoice", lookup), "learned beats the write default");
        assertEquals(CallClass.WRITE, c.classify("tools/call", "get_secret", lookup), "learned beats the read prefix");
        assertEquals(CallClass.READ, c.classify("tools/call", "get_other", lookup), "nothing learned: the prefix");
        assertEquals(CallClass.WRITE, c.classify("tools/call", "fetch_invoice"), "nothing learned: write");
        assertEquals(CallClass.BYPASS, c.classify("tools/list", null, lookup));
    }
}
