package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.host.Host;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingHostTest {

    /**
     * A Host method ForwardingHost left to its default would answer the default, not the host
     * underneath, in every host built on it (RecordHost's, TracingHost's guests).
     */
    @Test
    void itPassesEveryHostMethodToTheHostUnderneath() {
        List<String> inherited = Arrays.stream(Host.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declaredByForwardingHost(method))
                .map(Method::getName)
                .toList();
        assertEquals(List.of(), inherited, "Host methods ForwardingHost does not override");
        assertTrue(ForwardingHost.class.isAssignableFrom(RecordHost.class));
        assertTrue(ForwardingHost.class.isAssignableFrom(TracingHost.class));
    }

    private static boolean declaredByForwardingHost(Method method) {
        try {
            return ForwardingHost.class.getDeclaredMethod(method.getName(), method.getParameterTypes()) != null;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
