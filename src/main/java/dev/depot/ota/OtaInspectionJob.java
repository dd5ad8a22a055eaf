package dev.depot.ota;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depot.inspect.InspectionException;
import dev.depot.inspect.OtaZipInspector;
import dev.depot.jobs.Job;
import dev.depot.jobs.JobHandler;
import dev.depot.storage.BlobKey;
import dev.depot.storage.BlobStore;
import java.io.EOFException;
import java.io.IOException;
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
        Object facts;
        try {
            // the directory and the metadata entries only: on S3, a few ranged reads, not the whole ROM
            facts = new OtaZipInspector().inspect(blobs.openRandomAccess(new BlobKey(build.sha256()), build.size()));
        } catch (InspectionException e) {
            if (e.getCause() instanceof IOException io && !(io instanceof EOFException)) {
                throw io; // the store did not answer: tried again later
            }
            facts = Map.of("inspectionError", e.getMessage());
        }
        ota.recordFacts(id, JSON.writeValueAsString(facts));
    }
}
