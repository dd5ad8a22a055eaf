package dev.depot.intake;

import dev.depot.auth.AuthService;
import dev.depot.auth.Principal;
import dev.depot.auth.Scope;
import dev.depot.auth.User;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.AppBuildService;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import dev.depot.core.LongText;
import dev.depot.core.SafeFileName;
import dev.depot.ota.Ota;
import dev.depot.ota.OtaBuild;
import dev.depot.upload.Checksum;
import dev.depot.upload.UploadService;
import dev.depot.upload.UploadSession;
import dev.depot.upload.VerifiedUpload;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an upload becomes a build, whatever protocol carried it: opening checks everything that can
 * be checked before the bytes move (file-name rules, the app, the kind of file, the changelog), and
 * completing verifies the bytes and registers the build with what the upload declared. Completing
 * is idempotent: an upload completes once, and completing it again, also after a crash in the
 * middle, answers with the same build.
 */
public final class BuildIntake {
    /** tus metadata naming where the build goes: {@code target=ota} for ROM builds, else an app. */
    static final String TARGET = "target";
    static final String ROM = "ota";
    static final String APP_ID = "appId";
    private static final Logger log = LoggerFactory.getLogger(BuildIntake.class);

    private final UploadService uploads;
    private final Catalog catalog;
    private final Ota ota;
    private final AuthService auth;

    public BuildIntake(UploadService uploads, Catalog catalog, Ota ota, AuthService auth) {
        this.uploads = uploads;
        this.catalog = catalog;
        this.ota = ota;
        this.auth = auth;
    }

    public UploadService uploads() { return uploads; }

    /** A build an upload became. */
    public sealed interface Received {
        long buildId();

        record AppUpload(AppBuild build, App app) implements Received {
            @Override
            public long buildId() { return build.id(); }
        }

        record RomUpload(OtaBuild build, String deviceDisplayName) implements Received {
            @Override
            public long buildId() { return build.id(); }
        }
    }

    /**
     * Opens an upload that says in its metadata where the build goes: {@code target=ota} for a ROM
     * build, else the app named by {@code organization} and {@code app} (or the token's app).
     */
    public UploadSession openUpload(Principal caller, String protocol, String fileName, Long length,
                                    Map<String, String> metadata) {
        checkLength(length);
        new SafeFileName(fileName);
        return ROM.equals(metadata.get(TARGET)) ? openRomUpload(caller, protocol, fileName, length, metadata)
                : openAppUpload(caller, protocol, metadata.get("organization"), metadata.get("app"), fileName, length, metadata);
    }

    /**
     * Opens an upload of a ROM build after every file-name rule passed, so that a bad name fails
     * before any large transfer; {@code metadata} is kept with it (a changelog among it).
     */
    public UploadSession openRomUpload(Principal caller, String protocol, String fileName, Long length,
                                       Map<String, String> metadata) {
        checkLength(length);
        ota.buildNames().check(caller, fileName);
        LongText.check("A changelog", metadata.get("changelog"));
        Map<String, String> stored = new LinkedHashMap<>(metadata);
        stored.put(TARGET, ROM);
        return uploads.open(caller, protocol, fileName, length, stored);
    }

    /**
     * Opens an upload of an app build: the app is the caller's token's own, or the one named by
     * {@code org} and {@code app}; the file must be of a kind the app takes.
     */
    public UploadSession openAppUpload(Principal caller, String protocol, String org, String app, String fileName,
                                       Long length, Map<String, String> metadata) {
        checkLength(length);
        App target = targetApp(caller, org, app);
        AppBuildService.checkBuildFile(target, fileName);
        LongText.check("A changelog", metadata.get("changelog"));
        Map<String, String> stored = new LinkedHashMap<>(metadata);
        stored.remove(TARGET);
        stored.put(APP_ID, Long.toString(target.id()));
        return uploads.open(caller, protocol, fileName, length, stored);
    }

    private void checkLength(Long length) {
        if (length != null) {
            uploads.checkSize(length); // first: a file too large fails before anything else is looked at
        }
    }

    /**
     * Takes a whole app build in one request (Applivery's multipart upload): opened, received and
     * completed as an upload of {@code size} bytes, so the same rules and the same crash safety
     * apply; an upload that fails on the way is discarded.
     */
    public Received receiveAppBuild(Principal caller, String protocol, String org, String app, String fileName, long size,
                                    InputStream content, Map<String, String> metadata, Checksum declared) {
        UploadSession s = openAppUpload(caller, protocol, org, app, fileName, size, metadata);
        try {
            uploads.append(caller, s.id(), 0, size, content, size);
        } catch (RuntimeException e) {
            uploads.discard(s.id());
            throw e;
        }
        return complete(caller, protocol, s.id(), declared);
    }

    /** The app an upload goes to: the token's app, or the one the request names. */
    public App targetApp(Principal caller, String org, String app) {
        if (caller.appId() != null) {
            return catalog.apps().appById(caller, caller.appId(), Role.MAINTAINER);
        }
        if (org == null || org.isBlank() || app == null || app.isBlank()) {
            throw new DepotException.Invalid("missing_parameters",
                    "Name the app with 'organization' and 'app', or upload with a token bound to the app.");
        }
        return catalog.apps().app(caller, org.trim(), app.trim(), Role.MAINTAINER);
    }

    /**
     * Completes the caller's upload: its bytes are checked against {@code declared} (when given)
     * and become the build the upload was opened for. An upload completed before answers with its
     * build again.
     */
    public Received complete(Principal caller, String protocol, String uploadId, Checksum declared) {
        UploadSession s = uploads.session(caller, uploadId, protocol);
        if (s.complete()) {
            return completedOrRefuse(s);
        }
        try {
            return uploads.finalizeUpload(caller, s.id(), declared, v -> register(caller, v));
        } catch (DepotException.Conflict busy) {
            if (!busy.reason().equals("finalizing")) {
                throw busy;
            }
            return awaitOther(caller, protocol, uploadId, busy); // another request (or node) is completing it
        } catch (DepotException.Invalid done) {
            if (!done.reason().equals("already_complete")) {
                throw done;
            }
            return completedOrRefuse(uploads.session(caller, uploadId, protocol)); // completed meanwhile by another request
        }
    }

    /** Completes an upload of a ROM build (shipper's uploads are nothing else). */
    public Received.RomUpload completeRom(Principal caller, String protocol, String uploadId, Checksum declared) {
        if (complete(caller, protocol, uploadId, declared) instanceof Received.RomUpload rom) {
            return rom;
        }
        throw new DepotException.Invalid("not_a_rom_upload", "This upload is not of a ROM build.");
    }

    private Received completedOrRefuse(UploadSession s) {
        return completed(s).orElseThrow(() -> new DepotException.Invalid("already_complete",
                "Upload has already been marked as \"complete\""));
    }

    /** Waits a little for the completion another request is doing, and answers with its build. */
    private Received awaitOther(Principal caller, String protocol, String uploadId, DepotException.Conflict busy) {
        long deadline = System.nanoTime() + OTHER_COMPLETION_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy;
            }
            UploadSession now;
            try {
                now = uploads.session(caller, uploadId, protocol);
            } catch (DepotException.NotFound gone) {
                throw busy; // the other completion refused the upload and discarded it
            }
            if (now.complete()) {
                return completedOrRefuse(now);
            }
            if (!uploads.beingCompleted(now)) {
                break;
            }
        }
        throw busy;
    }

    private static final Duration OTHER_COMPLETION_WAIT = Duration.ofSeconds(10);

    /** The build a completed upload became (empty while it is not complete, or when the build is gone). */
    public Optional<Received> completed(UploadSession s) {
        if (isRom(s)) {
            return ota.builds().buildOfUpload(s.id()).map(this::rom);
        }
        return catalog.builds().buildOfUpload(s.id()).map(b -> new Received.AppUpload(b, catalog.apps().appOf(b)));
    }

    private Received register(Principal caller, VerifiedUpload v) {
        UploadSession s = v.session();
        Map<String, String> meta = s.metadata();
        if (isRom(s)) {
            return rom(ota.builds().registerBuild(caller, s.fileName(), v.blob(), v.md5(), v.sha1(), meta.get("changelog"), s.id()));
        }
        String appId = meta.get(APP_ID);
        if (appId == null) {
            throw new DepotException.Invalid("missing_parameters", "The upload does not say which app it is for.");
        }
        App app = catalog.apps().appById(caller, Long.parseLong(appId), Role.MAINTAINER);
        AppBuild build = catalog.builds().addBuild(caller, app, s.fileName(), v.blob(), v.md5(), v.sha1(), meta.get("changelog"),
                AppBuildService.splitTags(meta.get("tags")), meta.get("versionName"), s.id());
        return new Received.AppUpload(build, app);
    }

    private Received.RomUpload rom(OtaBuild b) {
        return new Received.RomUpload(b, ota.devices().requireDevice(b.deviceCodename()).displayName());
    }

    /** shipper's uploads are always ROM builds; other protocols say so in their metadata. */
    private static boolean isRom(UploadSession s) {
        return ROM.equals(s.metadata().get(TARGET)) || s.metadata().get(APP_ID) == null;
    }

    /**
     * Completes the uploads of {@code protocol} whose every byte arrived but whose completion a
     * crash interrupted (no live node holds them), as their owners; returns how many became builds.
     * Used for tus, where a client that sees its whole upload accepted asks for nothing more.
     */
    public int completeInterrupted(String protocol) {
        int done = 0;
        for (UploadSession s : uploads.interrupted(protocol)) {
            Optional<User> owner = auth.findUser(s.userId());
            if (owner.isEmpty()) {
                continue;
            }
            User u = owner.get();
            Principal as = new Principal(u.id(), u.username(), u.admin(), EnumSet.of(Scope.READ, Scope.UPLOAD), -1, null);
            String sha256 = s.metadata().get("sha256");
            try {
                Received r = uploads.finalizeUpload(as, s.id(), sha256 == null ? null : Checksum.hex("sha256", sha256),
                        v -> register(as, v));
                log.info("completed upload {} ({}) that a crash interrupted: build {}", s.id(), s.fileName(), r.buildId());
                done++;
            } catch (DepotException e) {
                log.warn("upload {} ({}) that a crash interrupted could not be completed: {}", s.id(), s.fileName(),
                        e.getMessage());
            }
        }
        return done;
    }
}
