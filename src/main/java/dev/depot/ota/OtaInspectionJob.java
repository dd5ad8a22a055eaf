package dev.depot.ota;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.OtaZipInspector;
import dev.depot.jobs.Job;
import dev.depot.jobs.JobHandler;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Records what a ROM zip says about itself (its OTA metadata) as the build's facts. A zip without
 * OTA metadata stays a valid build, as in shipper; the facts then say why there are none.
 */
public final class OtaInspectionJob implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RomBuildService ota;
    private final BlobStore blobs;

    public OtaInspectionJob(RomBuildService ota, BlobStore blobs) {
        this.ota = ota;
        this.blobs = blobs;
    }

    @Override
    public void run(Job job) throws Exception {
        long id = Long.parseLong(job.payload());
        OtaBuild build = ota.build(id).orElse(null);
        if (build == null) {
            return;
        }
        BlobKey key = new BlobKey(build.sha256());
        Path local = blobs.localFile(key).orElse(null);
        Path temp = null;
        if (local == null) {
            temp = Files.createTempFile("depot-ota-", ".zip");
            try (InputStream in = blobs.read(key, 0, build.size())) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            local = temp;
        }
        try {
            Object facts;
            try {
                facts = new OtaZipInspector().inspect(local);
            } catch (InspectionException e) {
                facts = Map.of("inspectionError", e.getMessage());
            }
            ota.recordFacts(id, JSON.writeValueAsString(facts));
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
