package dev.turnstile.examples.springai;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The annotation of {@code fetch_invoice}, which this server changes at run time the way a real server
 * changes a tool: {@code set_invoice_hint} removes the tool and registers it again with the new
 * {@code readOnlyHint}. The SDK sends {@code notifications/tools/list_changed} to the event stream (GET)
 * of every session at each of the two steps (the server declares {@code tools.listChanged}); a client
 * that asks for {@code tools/list} afterwards sees the new hint. Between the two steps, for a moment,
 * the tool does not exist.
 */
final class InvoiceHint {

    /** The tool whose only source of a class is its {@code readOnlyHint}: no read prefix, no rule. */
    static final String TOOL = "fetch_invoice";
    /** The tool that registers {@link #TOOL} again with another hint. */
    static final String SET_TOOL = "set_invoice_hint";
    /** {@link #SET_TOOL}'s argument: the new {@code readOnlyHint}, a boolean. */
    static final String READ_ONLY_ARG = "read_only";
    /** The hint {@link #TOOL} is registered with at start-up. */
    static final boolean INITIAL = true;

    private final Function<Boolean, SyncToolSpecification> specification;
    private final Supplier<McpSyncServer> server;

    /**
     * @param specification {@link #TOOL} as registered with a given {@code readOnlyHint}
     * @param server        the server to register it with (Spring AI builds it after the tools)
     */
    InvoiceHint(Function<Boolean, SyncToolSpecification> specification, Supplier<McpSyncServer> server) {
        this.specification = specification;
        this.server = server;
    }

    /** Registers {@link #TOOL} again with {@code readOnlyHint} {@code readOnly}, even when that is its hint now. */
    synchronized void set(boolean readOnly) {
        McpSyncServer mcp = server.get();
        mcp.removeTool(TOOL);
        mcp.addTool(specification.apply(readOnly));
    }
}
