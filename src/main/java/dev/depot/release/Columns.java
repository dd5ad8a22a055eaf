package dev.depot.release;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Nullable numbers read from a row (the SQLite driver cannot read NULL into a boxed type). */
final class Columns {
    private Columns() {}

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer intOrNull(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
