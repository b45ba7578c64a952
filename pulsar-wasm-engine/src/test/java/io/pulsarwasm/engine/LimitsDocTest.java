package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The limits table of {@code docs/limits.md} is checked against {@link Limit}, the one source of
 * every bound: each limit has a row, and the row's "default (range)" cell starts with the default
 * and gives the range, exactly as {@code Limit} has them.
 */
class LimitsDocTest {

    @Test
    void everyLimitHasARowWithItsDefaultAndRange() throws IOException {
        String doc = Files.readString(Path.of("..").toAbsolutePath().normalize().resolve("docs/limits.md"));
        List<String> differences = new ArrayList<>();
        for (Limit limit : Limit.values()) {
            Matcher row = Pattern.compile(
                            "^\\| [^|]+ \\| `" + Pattern.quote(limit.key()) + "`[^|]* \\| ([^|]+) \\|",
                            Pattern.MULTILINE)
                    .matcher(doc);
            if (!row.find()) {
                differences.add(limit.key() + " has no row");
                continue;
            }
            String cell = row.group(1).trim();
            if (!cell.matches(limit.defaultValue() + "\\b.*")) {
                differences.add(
                        limit.key() + ": '" + cell + "' does not start with its default " + limit.defaultValue());
            }
            if (!cell.contains("(" + limit.min() + "–" + limit.max())) {
                differences.add(limit.key() + ": '" + cell + "' does not give its range (" + limit.min() + "–"
                        + limit.max() + ")");
            }
        }
        assertTrue(differences.isEmpty(), "docs/limits.md differs from Limit: " + differences);
    }
}
