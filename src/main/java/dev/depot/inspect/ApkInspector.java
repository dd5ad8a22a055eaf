package dev.depot.inspect;

import com.android.apksig.ApkVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import net.dongliu.apk.parser.AbstractApkFile;
import net.dongliu.apk.parser.bean.ApkMeta;
import net.dongliu.apk.parser.bean.ApkSignStatus;
import net.dongliu.apk.parser.bean.UseFeature;

/**
 * Reads an APK: the binary manifest and resource table through our bounded {@link ZipArchive}
 * (apk-parser decodes them), the signatures through apksig. Refuses what {@code aapt dump
 * badging} refuses: no manifest, and an application label or icon that references a resource
 * the table does not have.
 */
public final class ApkInspector {
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    static final int MAX_RESOURCES_BYTES = 64 << 20;

    public ApkFacts inspect(Path apk) throws InspectionException {
        ManifestFacts manifest;
        try (ZipArchive zip = ZipArchive.open(apk)) {
            manifest = readManifest(zip);
        } catch (IOException e) {
            throw new InspectionException("cannot read the APK: " + e.getMessage(), e);
        }
        ApkMeta m = manifest.meta;
        Integer minSdk = sdk(m.getMinSdkVersion());
        Integer targetSdk = sdk(m.getTargetSdkVersion());
        return new ApkFacts(m.getPackageName(), m.getVersionCode() == null ? 0 : m.getVersionCode(), m.getVersionName(),
                minSdk, targetSdk, sdk(m.getMaxSdkVersion()), m.getLabel(),
                withImpliedPermissions(m.getUsesPermissions(), targetSdk != null ? targetSdk : minSdk != null ? minSdk : 0),
                features(m), manifest.abis, verifySignatures(apk), m.getIcon());
    }

    private record ManifestFacts(ApkMeta meta, List<String> abis) {}

    /** The manifest alone (what the microbenchmark measures): package name, version, SDKs. */
    static ApkMeta manifest(Path apk) throws InspectionException {
        try (ZipArchive zip = ZipArchive.open(apk)) {
            return readManifest(zip).meta;
        } catch (IOException e) {
            throw new InspectionException("cannot read the APK: " + e.getMessage(), e);
        }
    }

    private static ManifestFacts readManifest(ZipArchive zip) throws InspectionException {
        ZipArchive.Entry manifestEntry = zip.find("AndroidManifest.xml").orElseThrow(() ->
                new InspectionException("not an APK: there is no AndroidManifest.xml"));
        byte[] manifest = zip.read(manifestEntry, MAX_MANIFEST_BYTES);
        byte[] resources = null;
        var table = zip.find("resources.arsc");
        if (table.isPresent()) {
            try {
                resources = zip.read(table.get(), MAX_RESOURCES_BYTES);
                ResourceChunks.validateTable(resources);
            } catch (InspectionException e) {
                // as aapt: an unreadable table is no table; references into it will fail below
            }
        }
        ApkMeta meta = decodeManifest(manifest, resources);
        return new ManifestFacts(meta, nativeAbis(zip));
    }

    /**
     * Decodes a binary manifest (and the resource table its references point into, or null) the way
     * aapt accepts it. Any malformed input ends in an {@link InspectionException}.
     */
    static ApkMeta decodeManifest(byte[] manifest, byte[] resources) throws InspectionException {
        ResourceChunks.validateXml(manifest);
        ApkMeta meta;
        try (InMemoryApk apk = new InMemoryApk(manifest, resources)) {
            apk.setPreferredLocale(Locale.ROOT);
            meta = apk.getApkMeta();
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new InspectionException("the binary manifest cannot be decoded: " + describe(e), e);
        }
        if (meta.getPackageName() == null || meta.getPackageName().isBlank()) {
            throw new InspectionException("the manifest names no package");
        }
        for (String attribute : new String[] {meta.getLabel(), meta.getIcon()}) {
            if (attribute != null && attribute.startsWith("resourceId:")) {
                throw new InspectionException("the manifest references a resource that does not exist ("
                        + attribute.substring("resourceId:".length()) + ")");
            }
        }
        return meta;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** ABIs with native libraries, as aapt's {@code native-code}: the folders of {@code lib/<abi>/<file>}. */
    private static List<String> nativeAbis(ZipArchive zip) {
        TreeSet<String> abis = new TreeSet<>();
        for (ZipArchive.Entry e : zip.entries()) {
            String n = e.name();
            if (n.startsWith("lib/") && !e.isDirectory()) {
                int slash = n.indexOf('/', 4);
                if (slash > 4 && slash < n.length() - 1 && n.indexOf('/', slash + 1) < 0) {
                    abis.add(n.substring(4, slash));
                }
            }
        }
        return List.copyOf(abis);
    }

    /**
     * The permissions Android grants the app: those it asks for, plus those the platform implies
     * for old target SDKs, by the rules {@code aapt dump badging} applies.
     */
    static List<String> withImpliedPermissions(List<String> declared, int targetSdk) {
        TreeSet<String> p = new TreeSet<>(declared);
        if (targetSdk < 4) {
            p.add("android.permission.WRITE_EXTERNAL_STORAGE");
            p.add("android.permission.READ_PHONE_STATE");
        }
        if (p.contains("android.permission.WRITE_EXTERNAL_STORAGE")) {
            p.add("android.permission.READ_EXTERNAL_STORAGE");
        }
        if (targetSdk < 16) {
            if (p.contains("android.permission.READ_CONTACTS")) {
                p.add("android.permission.READ_CALL_LOG");
            }
            if (p.contains("android.permission.WRITE_CONTACTS")) {
                p.add("android.permission.WRITE_CALL_LOG");
            }
        }
        return List.copyOf(p);
    }

    private static List<String> features(ApkMeta meta) {
        List<String> out = new ArrayList<>();
        for (UseFeature f : meta.getUsesFeatures()) {
            if (f.getName() != null) {
                out.add(f.getName());
            }
        }
        return List.copyOf(new TreeSet<>(out));
    }

    private static Integer sdk(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null; // a codename such as "Q" for a preview SDK
        }
    }

    /** F-Droid's {@code sig} of a signer: the MD5 of the lowercase hex text of its DER certificate. */
    public static String fdroidSig(byte[] certificate) {
        try {
            byte[] hex = HexFormat.of().formatHex(certificate).getBytes(StandardCharsets.US_ASCII);
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(hex));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ApkFacts.Signing verifySignatures(Path apk) {
        try {
            ApkVerifier.Result r = new ApkVerifier.Builder(apk.toFile()).build().verify();
            List<String> certs = new ArrayList<>();
            List<String> sigs = new ArrayList<>();
            for (X509Certificate c : r.getSignerCertificates()) {
                certs.add(sha256(c.getEncoded()));
                sigs.add(fdroidSig(c.getEncoded()));
            }
            List<String> errors = new ArrayList<>();
            r.getErrors().forEach(i -> errors.add(i.toString()));
            // Like apksigner, a failed verification vouches for no scheme and no signer.
            boolean ok = r.isVerified();
            return new ApkFacts.Signing(ok, ok && r.isVerifiedUsingV1Scheme(), ok && r.isVerifiedUsingV2Scheme(),
                    ok && r.isVerifiedUsingV3Scheme(), ok ? List.copyOf(certs) : List.of(), ok ? List.copyOf(sigs) : List.of(),
                    List.copyOf(errors));
        } catch (Exception | StackOverflowError e) {
            return new ApkFacts.Signing(false, false, false, false, List.of(), List.of(), List.of(describe(e)));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** apk-parser over two entries already read (and bounded) by our own ZIP reader. */
    private static final class InMemoryApk extends AbstractApkFile {
        private final byte[] manifest;
        private final byte[] resources;

        InMemoryApk(byte[] manifest, byte[] resources) {
            this.manifest = manifest;
            this.resources = resources;
        }

        @Override
        protected List<CertificateFile> getAllCertificateData() {
            return List.of();
        }

        @Override
        public byte[] getFileData(String path) {
            return switch (path) {
                case "AndroidManifest.xml" -> manifest;
                case "resources.arsc" -> resources;
                default -> null;
            };
        }

        @Override
        protected ByteBuffer fileData() {
            return ByteBuffer.allocate(0);
        }

        @Override
        public ApkSignStatus verifyApk() {
            return ApkSignStatus.notSigned;
        }
    }
}
