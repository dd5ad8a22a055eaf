package dev.depot.feed;

import dev.depot.core.DepotException;
import dev.depot.delivery.LinkSigner;
import dev.depot.storage.BlobKey;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** The signed links a package lists: one per sample, needing no token, expiring a day after the package. */
public final class FeedLinks {
    /** Links in a package stay valid a day longer than the package itself. */
    static final Duration LINK_LIFETIME = FeedReceipts.AVAILABLE.plusDays(1);

    private final LinkSigner signer;
    private final Supplier<String> publicBase;

    public FeedLinks(LinkSigner signer, Supplier<String> publicBase) {
        this.signer = signer;
        this.publicBase = publicBase;
    }

    /** The signed link of a sample; its expiry derives from its window, so every node writes the same link. */
    public String link(FeedReceipt r) {
        Instant expires = Instant.ofEpochMilli(r.windowStart() + FeedPackageName.FIVE_MINUTES).plus(LINK_LIFETIME);
        return publicBase.get() + "/feed/files/" + signer.sign("s." + r.sha256(), expires) + "/" + r.sha256() + ".apk";
    }

    /** The sample a signed link names (NotFound when forged, Gone when expired). */
    public String open(String signed) {
        String payload = signer.verify(signed);
        if (!payload.startsWith("s.") || !BlobKey.isValid(payload.substring(2))) {
            throw new DepotException.NotFound("entity_not_found", "Entity not found");
        }
        return payload.substring(2);
    }
}
