package milano018;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.Netty4Plugin;
import org.opensearch.client.node.NodeClient;

/**
 * One real OpenSearch node for the tests, in this JVM: 127.0.0.1 only, single node, data under the
 * given directory. It stops when the process whose id is given ends (the pytest run), or on SIGTERM.
 *
 * <p>Usage: {@code TestNode <http port> <transport port> <home dir> <pid to watch>}.
 */
public final class TestNode {

    private TestNode() {}

    /** The node with the modules a packaged OpenSearch ships, loaded from the classpath. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    /**
     * The official Elasticsearch Python client refuses a 2xx answer without
     * {@code X-Elastic-Product: Elasticsearch}; OpenSearch does not send it. This wrapper, part of
     * the test harness only, adds the header to every REST answer (see README.md here).
     */
    public static final class ProductHeaderPlugin extends Plugin implements ActionPlugin {
        @Override
        public UnaryOperator<RestHandler> getRestHandlerWrapper(ThreadContext threadContext) {
            return handler -> new RestHandler.Wrapper(handler) {
                @Override
                public void handleRequest(RestRequest request, RestChannel channel, NodeClient client) throws Exception {
                    threadContext.addResponseHeader("X-Elastic-Product", "Elasticsearch");
                    super.handleRequest(request, channel, client);
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: TestNode <http port> <transport port> <home dir> <pid to watch>");
            System.exit(2);
        }
        Path home = Path.of(args[2]).toAbsolutePath();
        long watched = Long.parseLong(args[3]);
        Settings settings = Settings.builder()
            .put("cluster.name", "milano018-test")
            .put("node.name", "milano018-test-node")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", args[0])
            .put("transport.port", args[1])
            .put("discovery.type", "single-node")
            .put("node.processors", Math.min(2, Runtime.getRuntime().availableProcessors()))
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("logger.level", "WARN")
            .build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), null, () -> "milano018-test-node");
        Node node = new ClasspathNode(environment, List.of(
            Netty4Plugin.class, CommonAnalysisPlugin.class, MapperExtrasPlugin.class, PainlessPlugin.class,
            ProductHeaderPlugin.class));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception ignored) {
                // the JVM is going away; the data directory is the caller's to delete
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("started");
        System.out.flush();
        while (ProcessHandle.of(watched).map(ProcessHandle::isAlive).orElse(false)) {
            Thread.sleep(1000);
        }
        System.exit(0);
    }
}
