package dev.tokenplane.bms;

import dev.tokenplane.bms.BmsSettings.Variable;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks the PEM files of the HTTPS listener when the settings are read, so that a missing or wrong file stops the
 * start with a message naming the variable, instead of a handshake error at the first request. The files are read by
 * Vert.x's {@code PemKeyCertOptions} afterwards; whether key and certificate belong together shows at the first
 * handshake.
 */
final class PemFiles {
    private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

    private PemFiles() {}

    /** {@code path} holds at least one PEM certificate that parses (a chain: the server's first). */
    static void checkCertificates(Variable variable, Path path) {
        String text = read(variable, path);
        if (!text.contains(BEGIN_CERTIFICATE)) {
            throw new InvalidSettingException(
                    variable, "must be a PEM file with a certificate (" + BEGIN_CERTIFICATE + ")", path.toString());
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new CertificateException("no certificate");
            }
        } catch (IOException | CertificateException e) {
            throw new InvalidSettingException(
                    variable, "must hold PEM certificates that parse (" + e.getMessage() + ")", path.toString());
        }
    }

    /** {@code path} holds a PEM private key (PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}). */
    static void checkPrivateKey(Variable variable, Path path) {
        String text = read(variable, path);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")
                && !text.contains("-----BEGIN RSA PRIVATE KEY-----")
                && !text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            // never echo the file: it is a secret
            throw new InvalidSettingException(
                    variable,
                    "must be a PEM private key (-----BEGIN PRIVATE KEY-----, " + "unencrypted PKCS#8, or PKCS#1 RSA)",
                    path.toString());
        }
    }

    private static String read(Variable variable, Path path) {
        try {
            return Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new InvalidSettingException(variable, "must name a readable file", path.toString());
        }
    }
}
