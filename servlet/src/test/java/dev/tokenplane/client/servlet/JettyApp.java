package dev.tokenplane.client.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Servlet application on embedded Jetty 12 (EE10), on a free loopback port: one servlet answering "hello" on every
 * path (counting what reaches it), behind the given filters, each on its path pattern.
 */
final class JettyApp implements AutoCloseable {
    final AtomicInteger served = new AtomicInteger();
    private final Server jetty = new Server();
    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    JettyApp(Map<String, Filter> filters) throws Exception {
        HttpServlet hello = new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                served.incrementAndGet();
                response.setContentType("text/plain");
                response.getWriter().write("hello");
            }
        };
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(hello), "/*");
        filters.forEach((pattern, filter) ->
                context.addFilter(new FilterHolder(filter), pattern, EnumSet.of(DispatcherType.REQUEST)));
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** GET {@code path} with these request headers (name, value, name, value...). */
    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
