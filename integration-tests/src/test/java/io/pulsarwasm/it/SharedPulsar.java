package io.pulsarwasm.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link PulsarCluster} parameter to one cluster shared by every test class of the
 * run: started on first use, stopped when the run ends (JUnit closes it from the root store).
 */
public final class SharedPulsar implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPulsar.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PulsarCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(PulsarCluster.class, type -> PulsarCluster.start(), PulsarCluster.class);
    }
}
