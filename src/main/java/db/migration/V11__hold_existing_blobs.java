package db.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The holds of the blobs stored before blob holds existed: each build's file (and the universal
 * APK its facts name), each feed sample and sealed package, each F-Droid index snapshot. Written in
 * Java because a build's universal APK is named inside its facts (JSON), which SQLite and
 * PostgreSQL read differently.
 */
public class V11__hold_existing_blobs extends BaseJavaMigration {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (PreparedStatement hold = c.prepareStatement("INSERT INTO blob_holds (sha256, holder) VALUES (?, ?) ON CONFLICT DO NOTHING");
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, sha256, facts FROM builds")) {
                while (rs.next()) {
                    String holder = "build:" + rs.getLong(1);
                    add(hold, rs.getString(2), holder);
                    String facts = rs.getString(3);
                    JsonNode universal = facts == null || facts.isEmpty() ? null : JSON.readTree(facts).get("universalApkSha256");
                    if (universal != null && universal.isTextual()) {
                        add(hold, universal.asText(), holder);
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT sha256, window_start FROM feed_receipts")) {
                while (rs.next()) {
                    add(hold, rs.getString(1), "feed-sample:" + rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT package_sha256, window_start FROM feed_windows WHERE package_sha256 IS NOT NULL")) {
                while (rs.next()) {
                    add(hold, rs.getString(1), "feed-package:" + rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT index_sha256, repository_id, revision FROM fdroid_snapshots")) {
                while (rs.next()) {
                    add(hold, rs.getString(1), "fdroid-snapshot:" + rs.getLong(2) + ":" + rs.getLong(3));
                }
            }
            hold.executeBatch();
        }
    }

    private static void add(PreparedStatement hold, String sha256, String holder) throws Exception {
        hold.setString(1, sha256);
        hold.setString(2, holder);
        hold.addBatch();
    }
}
