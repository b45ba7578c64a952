package io.pulsarwasm.host;

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
}
