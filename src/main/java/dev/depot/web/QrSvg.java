package dev.depot.web;

import io.nayuki.qrcodegen.QrCode;

/** A QR code as an SVG image: one path of dark modules, with the quiet zone the standard asks for. */
final class QrSvg {
    private static final int QUIET = 4;

    private QrSvg() {}

    static String of(String text) {
        return of(text, "QR code of the download link");
    }

    /** {@code text} as a QR code, read out as {@code label} (plain text, no markup). */
    static String of(String text, String label) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int side = qr.size + 2 * QUIET;
        StringBuilder path = new StringBuilder(qr.size * qr.size * 4);
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + QUIET).append(',').append(y + QUIET).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + " " + side + "\" class=\"qr\" role=\"img\" "
                + "aria-label=\"" + label + "\" shape-rendering=\"crispEdges\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>";
    }
}
