package dev.patchbay.e2e;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One whole {@link Gateway} per test class, connected before the first test and closed after the last, handed
 * to the class's {@code @BeforeAll} and test methods as a {@code Gateway} parameter:
 * {@code @ExtendWith(GatewayFixture.class)}, or {@code @RegisterExtension static final GatewayFixture GATEWAY =
 * new GatewayFixture(overrides)} for control-plane settings.
 */
final class GatewayFixture implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GatewayFixture.class);

    private final Map<String, String> controlOverrides;

    GatewayFixture() {
        this(Map.of());
    }

    GatewayFixture(Map<String, String> controlOverrides) {
        this.controlOverrides = Map.copyOf(controlOverrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Gateway gw = new Gateway(controlOverrides);
        context.getStore(NAMESPACE).put(Gateway.class, gw);
        gw.awaitConnected(Duration.ofSeconds(10));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Gateway gw = context.getStore(NAMESPACE).remove(Gateway.class, Gateway.class);
        if (gw != null) {
            gw.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Gateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Gateway.class, Gateway.class);
    }
}
