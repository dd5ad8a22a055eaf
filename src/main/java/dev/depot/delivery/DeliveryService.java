package dev.depot.delivery;

import dev.depot.auth.Principal;
import dev.depot.catalog.App;
import dev.depot.catalog.AppBuild;
import dev.depot.catalog.BuildKind;
import dev.depot.catalog.Catalog;
import dev.depot.catalog.Organization;
import dev.depot.catalog.Role;
import dev.depot.core.DepotException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Applivery's download tokens: a short-lived permission to fetch one build in one form, redeemed
 * for a signed link to the bytes (or, for iOS {@code auto}, to a generated install manifest).
 * Tokens and links are signed, not stored, so any node honours them.
 */
public final class DeliveryService {
    private final Catalog catalog;
    private final LinkSigner signer;
    private final DownloadCounter counter;
    private final Clock clock;
    private final Duration tokenTtl;
    private final Duration linkTtl;

    /** What a token delivers. */
    public enum Form { FILE, AAB, UNIVERSAL_APK, MANIFEST }

    /** A token as handed to a client. */
    public record Token(String token, Instant expiresAt) {}

    /** Where a redeemed token sends the client: a file link or a manifest link, with its expiry. */
    public record Target(AppBuild build, App app, Form form, String signedLink, Instant expiresAt) {}

    public DeliveryService(Catalog catalog, LinkSigner signer, DownloadCounter counter, Clock clock,
                           Duration tokenTtl, Duration linkTtl) {
        this.catalog = catalog;
        this.signer = signer;
        this.counter = counter;
        this.clock = clock;
        this.tokenTtl = tokenTtl;
        this.linkTtl = linkTtl;
    }

    public Token issueDownloadToken(Principal caller, String org, String appRef, long buildId, String type) {
        AppBuild build = catalog.builds().build(caller, org, appRef, buildId, Role.VIEWER);
        App app = catalog.apps().appOf(build);
        if (!build.enabled()) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        if (!build.processed()) {
            throw new DepotException.Conflict("build_not_processed", "Build Not Processed");
        }
        Form form = formFor(app, build, type == null ? "auto" : type.trim().toLowerCase(Locale.ROOT));
        Instant expires = clock.instant().plus(tokenTtl);
        return new Token(signer.sign("t." + build.id() + "." + form.name().toLowerCase(Locale.ROOT), expires), expires);
    }

    private static Form formFor(App app, AppBuild build, String type) {
        boolean ios = app.platform().equals("ios");
        return switch (type) {
            case "auto" -> ios ? Form.MANIFEST : android(build);
            case "file" -> ios ? Form.FILE : android(build);
            case "aab" -> {
                if (build.kind() != BuildKind.AAB) {
                    throw new DepotException.Invalid("invalid_type", "type=aab needs an .aab build; this build is an ." + build.kind().wireName());
                }
                yield Form.AAB;
            }
            default -> throw new DepotException.Invalid("invalid_type", "The type is auto, file or aab.");
        };
    }

    private static Form android(AppBuild build) {
        if (build.kind() != BuildKind.AAB) {
            return Form.FILE;
        }
        Object universal = build.facts().get("universalApkSha256");
        if (universal == null) {
            throw new DepotException.Conflict("apk_not_available",
                    "No APK can be served for this .aab build (no universal APK was made); ask for type=aab");
        }
        return Form.UNIVERSAL_APK;
    }

    /**
     * What a token names, for an install page: no download is counted and no link is signed; with
     * the display name of the app's organization and when the token expires.
     */
    public record Offer(AppBuild build, App app, Form form, String organization, Instant expires) {}

    /** A verified token's build, app and form. */
    private record Named(AppBuild build, App app, Form form) {}

    /** Reads a token without redeeming it (NotFound, Gone as {@link #redeem} would answer). */
    public Offer peek(String token) {
        Named named = parse(token);
        App app = named.app();
        // only the page needs the organization's name: a redemption (a download) does not look it up
        String organization = catalog.organizations().organization(app.organizationId()).map(Organization::name)
                .orElse(app.organizationSlug());
        return new Offer(named.build(), app, named.form(), organization, signer.expiresOf(token));
    }

    /** Redeems a token: counts one download and returns a signed link valid for the link lifetime. */
    public Target redeem(String token) {
        Named offer = parse(token);
        AppBuild build = offer.build();
        Form form = offer.form();
        counter.countDownload(build.id(), DownloadType.DOWNLOAD);
        Instant expires = clock.instant().plus(linkTtl);
        String link = form == Form.MANIFEST ? signManifest(build.id(), expires) : signFile(build, form, expires);
        return new Target(build, offer.app(), form, link, expires);
    }

    private Named parse(String token) {
        String payload = signer.verify(token);
        String[] parts = payload.split("\\.");
        if (parts.length != 3 || !parts[0].equals("t")) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        long buildId;
        Form form;
        try {
            buildId = Long.parseLong(parts[1]);
            form = Form.valueOf(parts[2].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        AppBuild build = catalog.builds().buildForDelivery(buildId).filter(AppBuild::enabled)
                .orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
        return new Named(build, catalog.apps().appOf(build), form);
    }

    /** The name a build's file is served under in this form: its own, or {@code .apk} for the universal APK of a bundle. */
    public static String fileName(AppBuild build, Form form) {
        String name = build.fileName();
        return form == Form.UNIVERSAL_APK ? name.replaceAll("(?i)\\.aab$", "") + ".apk" : name;
    }

    /** A link to the bytes under their name: the name is signed with them, so no other name opens them. */
    private String signFile(AppBuild build, Form form, Instant expires) {
        String sha = build.sha256();
        long size = build.size();
        if (form == Form.UNIVERSAL_APK) {
            sha = String.valueOf(build.facts().get("universalApkSha256"));
            size = ((Number) build.facts().get("universalApkSize")).longValue();
        }
        String name = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(fileName(build, form).getBytes(StandardCharsets.UTF_8));
        return signer.sign("f." + sha + "." + size + "." + name, expires);
    }

    private String signManifest(long buildId, Instant expires) {
        return signer.sign("m." + buildId, expires);
    }

    /** A signed file link's blob: sha256 and size, and the one name it is served under. */
    public record SignedFile(String sha256, long size, String fileName) {}

    /** The file a signed link names, if {@code fileName} is the name signed with it (NotFound otherwise). */
    public SignedFile openFileLink(String signed, String fileName) {
        String[] p = signer.verify(signed).split("\\.");
        if (p.length != 4 || !p[0].equals("f")) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(p[3]), StandardCharsets.UTF_8);
            if (!name.equals(fileName)) {
                throw new DepotException.NotFound("entity_not_found", "Entity not found");
            }
            return new SignedFile(p[1], Long.parseLong(p[2]), name);
        } catch (IllegalArgumentException e) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
    }

    /** The build a signed manifest link is for, and a file link for its IPA expiring with the manifest link. */
    public Target openManifestLink(String signed, Instant now) {
        String[] p = signer.verify(signed).split("\\.");
        if (p.length != 2 || !p[0].equals("m")) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        long buildId;
        try {
            buildId = Long.parseLong(p[1]);
        } catch (NumberFormatException e) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        AppBuild build = catalog.builds().buildForDelivery(buildId).filter(AppBuild::enabled)
                .orElseThrow(() -> new DepotException.NotFound("entity_not_found", "Entity not found"));
        Instant expires = now.plus(linkTtl);
        return new Target(build, catalog.apps().appOf(build), Form.FILE, signFile(build, Form.FILE, expires), expires);
    }
}
