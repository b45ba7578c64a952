package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pulsarwasm.host.Host;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordHostTest {

    /** A Host method RecordHost left to its default would answer the default, not the host underneath. */
    @Test
    void itPassesEveryHostMethodToTheHostUnderneath() throws NoSuchMethodException {
        List<String> inherited = Arrays.stream(Host.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declaredByRecordHost(method))
                .map(Method::getName)
                .toList();
        assertEquals(List.of(), inherited, "Host methods RecordHost does not override");
    }

    private static boolean declaredByRecordHost(Method method) {
        try {
            return RecordHost.class.getDeclaredMethod(method.getName(), method.getParameterTypes()) != null;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
