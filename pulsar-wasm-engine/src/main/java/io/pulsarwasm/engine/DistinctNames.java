package io.pulsarwasm.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names a function instance's guests have used (metric names, publish topics), admitting at most a
 * given number of distinct ones. Held by the loader, so a guest instance that is discarded and
 * replaced does not start over: what the host keeps per name (Pulsar's metric, Pulsar's producer)
 * lives as long as the function instance.
 */
final class DistinctNames {

    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final int max;

    DistinctNames(int max) {
        this.max = max;
    }

    /** @return whether the name was used before or fits under the limit (and is now used) */
    boolean admit(String name) {
        if (names.contains(name)) {
            return true;
        }
        synchronized (this) {
            if (names.size() >= max) {
                return false;
            }
            names.add(name);
            return true;
        }
    }
}
