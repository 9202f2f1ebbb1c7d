package dev.turnstile.servlet;

import dev.turnstile.CallClass;
import java.util.List;

/**
 * What the filter learned from a POST body: the strongest class of its requests, and the ids of
 * the requests (to answer each one of a batch).
 */
record Call(CallClass callClass, boolean batch, List<String> ids) {}
