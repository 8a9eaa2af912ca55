package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Unpacks an image tarball in Docker's format ({@code docker save}, Jib's {@code buildTar}) into a folder, as a
 * container runtime lays out a container's root file system: the layers in the manifest's order, each over the
 * ones before, honouring the OCI whiteouts ({@code .wh.<name>} deletes a lower layer's file, {@code .wh..wh..opq}
 * empties a lower layer's directory).
 *
 * <p>Every layer's uncompressed sha256 must equal its {@code rootfs.diff_ids} entry in the image config. Nothing is
 * written outside the root: entry names with {@code ..} and paths that leave the root through a symbolic link are
 * refused. Owners are set only when running as root; device nodes and FIFOs are skipped (a runtime mounts
 * {@code /dev}).
 */
final class ImageRoot {

    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path realRoot;
    private final boolean asRoot;
    /** What the current layer wrote: an opaque whiteout must keep it. */
    private final Set<Path> writtenByLayer = new HashSet<>();

    private ImageRoot(Path root) throws IOException {
        this.root = root;
        this.realRoot = root.toRealPath();
        this.asRoot = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    /**
     * Unpacks {@code tarball} into {@code root}, which must be empty or absent.
     *
     * @throws IOException when a layer's digest differs from its diff_id, an entry leaves the root, or I/O fails
     */
    static void unpack(Path tarball, Path root) throws IOException {
        Files.createDirectories(root);
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(root)) {
            if (existing.iterator().hasNext()) {
                throw new IOException(root + " is not empty");
            }
        }
        ImageRoot image = new ImageRoot(root);
        try (TarFile tar = new TarFile(tarball)) {
            Map<String, TarArchiveEntry> entries =
                    tar.getEntries().stream().collect(Collectors.toMap(TarArchiveEntry::getName, Function.identity()));
            JsonNode manifest = readJson(tar, entries, "manifest.json").get(0);
            JsonNode config = readJson(tar, entries, manifest.get("Config").asText());
            List<String> layers = new ArrayList<>();
            manifest.get("Layers").forEach(l -> layers.add(l.asText()));
            List<String> diffIds = new ArrayList<>();
            config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
            if (layers.size() != diffIds.size()) {
                throw new IOException(
                        "manifest.json names " + layers.size() + " layers, the config " + diffIds.size() + " diff_ids");
            }
            for (int i = 0; i < layers.size(); i++) {
                try (InputStream layer = tar.getInputStream(entry(entries, layers.get(i)))) {
                    image.apply(layer, layers.get(i), diffIds.get(i));
                }
            }
        }
    }

    private static TarArchiveEntry entry(Map<String, TarArchiveEntry> entries, String name) throws IOException {
        TarArchiveEntry entry = entries.get(name);
        if (entry == null) {
            throw new IOException("the image tarball has no " + name);
        }
        return entry;
    }

    private static JsonNode readJson(TarFile tar, Map<String, TarArchiveEntry> entries, String name)
            throws IOException {
        try (InputStream in = tar.getInputStream(entry(entries, name))) {
            return JSON.readTree(in);
        }
    }

    /** Applies one layer (gzipped or not) over the root, checking its uncompressed digest. */
    private void apply(InputStream stored, String name, String diffId) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored);
        in.mark(2);
        boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        DigestInputStream uncompressed = new DigestInputStream(gzipped ? new GZIPInputStream(in) : in, sha256());
        writtenByLayer.clear();
        // not closed: closing would close the layer stream, which the caller owns
        TarArchiveInputStream layer = new TarArchiveInputStream(uncompressed);
        for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
            apply(entry, layer);
        }
        uncompressed.transferTo(OutputStream.nullOutputStream()); // the end-of-archive blocks count too
        String digest = "sha256:"
                + HexFormat.of().formatHex(uncompressed.getMessageDigest().digest());
        if (!digest.equals(diffId)) {
            throw new IOException("layer " + name + " has digest " + digest + ", but its diff_id is " + diffId);
        }
    }

    private void apply(TarArchiveEntry entry, InputStream content) throws IOException {
        String name = relativeName(entry.getName());
        if (name.isEmpty()) {
            return; // the layer's "./" itself
        }
        Path path = root.resolve(name);
        String file = path.getFileName().toString();
        if (file.equals(OPAQUE)) {
            emptyExceptWritten(inside(path).getParent());
            return;
        }
        if (file.startsWith(WHITEOUT)) {
            deleteIfPresent(inside(path.resolveSibling(file.substring(WHITEOUT.length()))));
            return;
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            return;
        }
        Files.createDirectories(inside(path).getParent());
        Path target = inside(path); // again: the folders now exist, links included
        boolean isDirectory = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (!(entry.isDirectory() && isDirectory)) {
            deleteIfPresent(target); // a lower layer's file, or a directory replaced by a file
        }
        if (entry.isDirectory()) {
            Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Files.createLink(target, inside(root.resolve(relativeName(entry.getLinkName()))));
        } else if (entry.isFile()) {
            Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            throw new IOException("unsupported tar entry type " + (char) entry.getLinkFlag() + " for " + name);
        }
        writtenByLayer.add(target);
        if (asRoot) {
            Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!entry.isSymbolicLink() && !entry.isLink()) {
            // after chown, which clears set-user-ID bits
            Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
        }
    }

    /** The entry name without "./" or "/" in front; names that climb out with ".." are refused. */
    private static String relativeName(String name) throws IOException {
        String relative = name.replaceFirst("^(\\./|/)+", "");
        relative = relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                throw new IOException("tar entry " + name + " leaves the root");
            }
        }
        return relative.equals(".") ? "" : relative;
    }

    /**
     * {@code path}, once checked that its folder stays inside the root when the symbolic links on the way are
     * followed (a link to an absolute path would otherwise lead out of the root into the machine's own files).
     */
    private Path inside(Path path) throws IOException {
        Path existing = path.getParent();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!existing.toRealPath().startsWith(realRoot)) {
            throw new IOException(root.relativize(path) + " leads out of the root " + root);
        }
        return path;
    }

    private void emptyExceptWritten(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                if (writtenByLayer.stream().noneMatch(w -> w.startsWith(child))) {
                    deleteIfPresent(child);
                }
            }
        }
    }

    /** Deletes a file, a link (not what it points at) or a directory tree, if present. */
    static void deleteIfPresent(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree does not follow links: a link to a directory is deleted as a link
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
