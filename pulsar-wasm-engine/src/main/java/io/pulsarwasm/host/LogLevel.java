package io.pulsarwasm.host;

import org.slf4j.Logger;

/** The level of a guest's log line; the ABI passes it as its ordinal (0 trace … 4 error). */
public enum LogLevel {
    /** 0 */
    TRACE,
    /** 1 */
    DEBUG,
    /** 2 */
    INFO,
    /** 3 */
    WARN,
    /** 4 */
    ERROR;

    private static final LogLevel[] BY_CODE = values();

    /**
     * The level of an ABI level code.
     *
     * @param code 0 to 4
     * @return the level, or null if the code is none
     */
    public static LogLevel ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * Writes a line to an SLF4J logger at this level.
     *
     * @param logger the logger
     * @param line the text
     */
    public void log(Logger logger, String line) {
        switch (this) {
            case TRACE -> logger.trace(line);
            case DEBUG -> logger.debug(line);
            case INFO -> logger.info(line);
            case WARN -> logger.warn(line);
            case ERROR -> logger.error(line);
        }
    }
}
