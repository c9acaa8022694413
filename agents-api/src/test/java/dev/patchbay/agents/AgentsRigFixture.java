package dev.patchbay.agents;

import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link AgentsRig} per test class with the module's default settings, started before the first test and
 * closed after the last, handed to the class's {@code @BeforeAll} and test methods as an {@code AgentsRig}
 * parameter: {@code @ExtendWith(AgentsRigFixture.class)}.
 */
final class AgentsRigFixture implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AgentsRigFixture.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getStore(NAMESPACE).put(AgentsRig.class, new AgentsRig(Map.of()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        AgentsRig rig = context.getStore(NAMESPACE).remove(AgentsRig.class, AgentsRig.class);
        if (rig != null) {
            rig.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AgentsRig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(AgentsRig.class, AgentsRig.class);
    }
}
