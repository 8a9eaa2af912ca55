package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageRoot} on small images made here: layers applied in order, whiteouts, links, modes, digests, and no
 * write outside the root. Runs with {@code -Pimage-run}, next to the test that unpacks the real images.
 */
@EnabledIfSystemProperty(
        named = "tokenplane.image.run",
        matches = "true",
        disabledReason = "checks the image unpacker only with -Pimage-run")
class ImageRootTest {

    @TempDir
    Path dir;

    @Test
    void shouldApplyLayersInOrderWithWhiteoutsLinksAndModes() throws Exception {
        // Given a base layer and a layer over it that replaces, deletes and empties what the base has
        Layer base = new Layer()
                .directory("etc/")
                .file("etc/keep", "old")
                .file("etc/gone", "x")
                .directory("opt/")
                .file("opt/old", "x")
                .directory("opt/sub/")
                .file("opt/sub/deep", "x")
                .directory("usr/bin/")
                .file("usr/bin/tool", "#!/bin/sh", 0755)
                .hardLink("usr/bin/tool2", "usr/bin/tool")
                .symlink("bin", "usr/bin")
                .file("tmp-was-a-file", "x");
        Layer top = new Layer()
                .file("etc/keep", "new")
                .file("etc/.wh.gone", "")
                .file("opt/new", "mine")
                .file("opt/.wh..wh..opq", "")
                .directory("tmp-was-a-file/", 01777);
        Path image = image(List.of(base.gzipped(), top.plain()), null);

        // When it is unpacked
        Path root = dir.resolve("root");
        ImageRoot.unpack(image, root);

        // Then the upper layer wins, whiteouts delete only lower layers' files, and links and modes are kept
        assertThat(root.resolve("etc/keep")).hasContent("new");
        assertThat(root.resolve("etc/gone")).doesNotExist();
        assertThat(root.resolve("opt"))
                .isDirectoryContaining(p -> p.getFileName().toString().equals("new"));
        assertThat(root.resolve("opt/old")).doesNotExist();
        assertThat(root.resolve("opt/sub")).doesNotExist();
        assertThat(root.resolve("opt/new")).hasContent("mine");
        assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
        assertThat(root.resolve("bin/tool")).hasContent("#!/bin/sh");
        assertThat(Files.isSameFile(root.resolve("usr/bin/tool"), root.resolve("usr/bin/tool2")))
                .isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("usr/bin/tool"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(root.resolve("tmp-was-a-file")).isDirectory();
        assertThat(Files.getAttribute(root.resolve("tmp-was-a-file"), "unix:mode"))
                .isEqualTo(041777);
        assertThat(root.resolve(".wh.gone")).doesNotExist();
        assertThat(root.resolve("opt/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void shouldRefuseALayerWhoseDigestIsNotItsDiffId() throws Exception {
        Path image = image(List.of(new Layer().file("a", "x").plain()), "sha256:" + "0".repeat(64));

        assertThatThrownBy(() -> ImageRoot.unpack(image, dir.resolve("root")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("but its diff_id is sha256:000");
    }

    @Test
    void shouldNeverWriteOutsideTheRoot() throws Exception {
        // Given a layer that links to a folder outside the root and then writes through the link
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path throughLink = image(
                List.of(new Layer()
                        .symlink("escape", outside.toString())
                        .file("escape/planted", "x")
                        .plain()),
                null);
        Path climbing = image(List.of(new Layer().file("../planted", "x").plain()), null);

        // When they are unpacked, they are refused
        assertThatThrownBy(() -> ImageRoot.unpack(throughLink, dir.resolve("root1")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leads out of the root");
        assertThatThrownBy(() -> ImageRoot.unpack(climbing, dir.resolve("root2")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("leaves the root");

        // Then nothing was written outside
        assertThat(outside).isEmptyDirectory();
        assertThat(dir.resolve("planted")).doesNotExist();
    }

    /** A docker-save tarball of these layers; diff_ids are the layers' own unless {@code diffId} is given. */
    private Path image(List<LayerBytes> layers, String diffId) throws Exception {
        Path tarball = Files.createTempFile(dir, "image", ".tar");
        List<String> names = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tarball))) {
            for (LayerBytes layer : layers) {
                String name = sha256(layer.stored()) + (layer.gzipped() ? ".tar.gz" : ".tar");
                names.add(name);
                diffIds.add(diffId != null ? diffId : "sha256:" + sha256(layer.tar()));
                put(out, name, layer.stored());
            }
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":" + jsonList(diffIds) + "}}";
            put(out, "config.json", config.getBytes(StandardCharsets.UTF_8));
            put(
                    out,
                    "manifest.json",
                    ("[{\"Config\":\"config.json\",\"RepoTags\":[\"t:1\"],\"Layers\":" + jsonList(names) + "}]")
                            .getBytes(StandardCharsets.UTF_8));
        }
        return tarball;
    }

    private static String jsonList(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").toList().toString().replace(", ", ",");
    }

    private static void put(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A layer: its tar (what the diff_id hashes) and the bytes stored in the image tarball. */
    private record LayerBytes(byte[] tar, byte[] stored, boolean gzipped) {}

    /** A layer tar, entry by entry. */
    private static final class Layer {
        private final List<Consumer<TarArchiveOutputStream>> entries = new ArrayList<>();

        Layer directory(String name) {
            return directory(name, 0755);
        }

        Layer directory(String name, int mode) {
            return add(new TarArchiveEntry(name), mode, null);
        }

        Layer file(String name, String content) {
            return file(name, content, 0644);
        }

        Layer file(String name, String content, int mode) {
            return add(new TarArchiveEntry(name, true), mode, content.getBytes(StandardCharsets.UTF_8));
        }

        Layer symlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(target);
            return add(entry, 0777, null);
        }

        Layer hardLink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
            entry.setLinkName(target);
            return add(entry, 0755, null);
        }

        private Layer add(TarArchiveEntry entry, int mode, byte[] content) {
            entries.add(out -> {
                try {
                    entry.setMode((entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000) | mode);
                    entry.setSize(content == null ? 0 : content.length);
                    out.putArchiveEntry(entry);
                    if (content != null) {
                        out.write(content);
                    }
                    out.closeArchiveEntry();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return this;
        }

        LayerBytes plain() throws IOException {
            byte[] tar = tar();
            return new LayerBytes(tar, tar, false);
        }

        LayerBytes gzipped() throws IOException {
            byte[] tar = tar();
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(gz)) {
                out.write(tar);
            }
            return new LayerBytes(tar, gz.toByteArray(), true);
        }

        private byte[] tar() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
                entries.forEach(e -> e.accept(out));
            }
            return bytes.toByteArray();
        }
    }
}
