package dev.turnstile.internal.servlet;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Calls the early bean's {@code @Guarded} method (not behind the filter: the interceptor takes the place). */
public class EngineReportServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    EarlyToolBean early;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().write(early.report(req.getServletContext()));
    }
}
