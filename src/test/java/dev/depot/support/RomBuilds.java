package dev.depot.support;

import dev.depot.auth.Principal;
import dev.depot.ota.OtaBuild;
import dev.depot.server.Depot;
import dev.depot.upload.UploadSession;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Random;

/** ROM builds made through the intake (no HTTP): 4 KiB of random bytes under a file name the rules accept. */
public final class RomBuilds {
    private RomBuilds() {}

    public static OtaBuild upload(Depot depot, Principal maintainer, String name, long seed) {
        byte[] zip = new byte[4096];
        new Random(seed).nextBytes(zip);
        UploadSession s = depot.intake().openRomUpload(maintainer, "tus", name, (long) zip.length, Map.of());
        depot.uploads().append(maintainer, s.id(), 0, (long) zip.length, new ByteArrayInputStream(zip), zip.length);
        return depot.ota().builds().build(depot.intake().complete(maintainer, "tus", s.id(), null).buildId()).orElseThrow();
    }
}
