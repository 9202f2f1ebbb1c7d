package dev.turnstile.internal.jsonrpc;

import dev.turnstile.jsonrpc.JsonPointer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The members of {@code params._meta} the sniffer reads: a tree of member names whose nodes may end
 * a pointer. Immutable once built.
 */
final class MetaPaths {

    /** One member name on the way to a value. */
    static final class Node {
        private final Map<String, Node> children = new HashMap<>();
        private JsonPointer ends; // the pointer that ends here, or null

        Node child(String name) {
            return children.get(name);
        }

        JsonPointer ends() {
            return ends;
        }

        boolean hasChildren() {
            return !children.isEmpty();
        }
    }

    private final Node root = new Node();

    MetaPaths(Collection<JsonPointer> pointers) {
        for (JsonPointer pointer : pointers) {
            Node node = root;
            for (String token : pointer.tokens()) {
                node = node.children.computeIfAbsent(token, t -> new Node());
            }
            node.ends = pointer;
        }
    }

    Node root() {
        return root;
    }
}
