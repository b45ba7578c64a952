package io.pulsarwasm;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.functions.api.Context;
import org.slf4j.Logger;

/**
 * A Pulsar {@link Context} for unit tests: user config from a map, and a logger that records
 * {@code "LEVEL message"} lines. Any other context method fails, naming itself.
 */
public final class RecordingContext {

    private final List<String> logLines = new ArrayList<>();
    private final Context context;

    public RecordingContext(Map<String, Object> userConfig) {
        Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("is")) {
                        return true;
                    }
                    logLines.add(method.getName().toUpperCase() + " " + format(args));
                    return null;
                });
        context = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserConfigValue" -> Optional.ofNullable(userConfig.get((String) args[0]));
                    case "getLogger" -> logger;
                    case "getFunctionName" -> "test-function";
                    default -> throw new UnsupportedOperationException("RecordingContext." + method.getName());
                });
    }

    public Context context() {
        return context;
    }

    public List<String> logLines() {
        return logLines;
    }

    /** Renders an SLF4J call's arguments the way SLF4J would: {@code {}} replaced in order. */
    private static String format(Object[] args) {
        String text = String.valueOf(args[0]);
        for (int i = 1; i < args.length; i++) {
            text = text.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(String.valueOf(args[i])));
        }
        return text;
    }
}
