package dev.depot.api.applivery;

/** The {@code manifest.plist} that iOS reads for {@code itms-services://?action=download-manifest} installs. */
final class IosManifest {
    private IosManifest() {}

    static String render(String ipaUrl, String bundleId, String version, String title) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>items</key>
                  <array>
                    <dict>
                      <key>assets</key>
                      <array>
                        <dict>
                          <key>kind</key>
                          <string>software-package</string>
                          <key>url</key>
                          <string>%s</string>
                        </dict>
                      </array>
                      <key>metadata</key>
                      <dict>
                        <key>bundle-identifier</key>
                        <string>%s</string>
                        <key>bundle-version</key>
                        <string>%s</string>
                        <key>kind</key>
                        <string>software</string>
                        <key>title</key>
                        <string>%s</string>
                      </dict>
                    </dict>
                  </array>
                </dict>
                </plist>
                """.formatted(xml(ipaUrl), xml(bundleId), xml(version), xml(title));
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
