/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.util.Progress;
import ai.djl.util.Utils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlodyssey.djl.datasets.download.FileDownloader;
import org.mlodyssey.djl.datasets.download.MissingDatasetFilesException;
import org.mlodyssey.djl.datasets.download.RemoteFile;
import org.mlodyssey.djl.datasets.format.DatasetFormatException;
import org.mlodyssey.djl.datasets.internal.ArchiveExtractor;
import org.mlodyssey.djl.io.BoundedFiles;
import org.mlodyssey.djl.io.BoundedReadException;

/**
 * Finds a dataset's files in its data directory; extracts the missing ones from the official
 * archive, downloading the archive first when it is missing too and DJL is not offline.
 */
final class DatasetFiles {

    /**
     * A file a dataset needs.
     *
     * @param member the file's name inside the official archive
     * @param candidates where the extracted file may already be, in order of preference
     * @param extractTo where to extract it to when none of the candidates exists
     */
    record Needed(String member, List<Path> candidates, Path extractTo) {}

    private DatasetFiles() {}

    /**
     * Returns the path of each needed file, in the order given.
     *
     * @param description the dataset, for error messages (for example "EMNIST balanced, TRAIN")
     * @param dataDir the data directory
     * @param needed the files needed
     * @param archive the official archive
     * @param mirror a mirror base URL, or {@code null} for the official URL
     * @param progress receives download progress, or {@code null}
     * @return the paths, in the order of {@code needed}
     * @throws IOException if a file is missing and cannot be obtained, or a download or extraction
     *     fails
     */
    static List<Path> resolve(
            String description,
            Path dataDir,
            List<Needed> needed,
            RemoteFile archive,
            String mirror,
            Progress progress)
            throws IOException {
        List<Path> found = new ArrayList<>();
        Map<String, Path> missing = new LinkedHashMap<>();
        for (Needed n : needed) {
            Path hit = null;
            for (Path candidate : n.candidates()) {
                if (isPresent(candidate)) {
                    hit = candidate;
                    break;
                }
            }
            found.add(hit != null ? hit : n.extractTo());
            if (hit == null) {
                missing.put(n.member(), n.extractTo());
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        Path archivePath = dataDir.resolve(archive.getFileName());
        if (!isPresent(archivePath)) {
            if (Utils.isOfflineMode()) {
                throw new MissingDatasetFilesException(
                        missingMessage(description, dataDir, missing, archive, archivePath));
            }
            RemoteFile source = mirror != null ? archive.atMirror(mirror) : archive;
            new FileDownloader().download(source, archivePath, progress);
        }
        if (archive.getFileName().endsWith(".zip")) {
            ArchiveExtractor.extractZip(archivePath, missing);
        } else {
            ArchiveExtractor.extractTarGz(archivePath, missing);
        }
        return found;
    }

    /**
     * Tells whether a dataset file is present: a regular file (symbolic links followed).
     *
     * @param file the path
     * @return {@code true} for a regular file, {@code false} when nothing is there
     * @throws DatasetFormatException with {@link DatasetFormatException.Kind#NOT_A_REGULAR_FILE}
     *     when something else is there (a directory, a FIFO): it is reported, never taken for a
     *     missing file to download over
     * @throws IOException if the path cannot be examined
     */
    private static boolean isPresent(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            BoundedFiles.requireRegularFile(file);
            return true;
        } catch (BoundedReadException e) {
            throw DatasetFormatException.from(e, DatasetFormatException.Kind.NOT_A_REGULAR_FILE);
        }
    }

    /**
     * Returns the files of an archive that holds them in one directory: each is looked for in
     * {@code dataDir/archiveDir/}, then directly in {@code dataDir}, and extracted to the former.
     *
     * @param dataDir the data directory
     * @param archiveDir the directory the archive holds the files in
     * @param names the file names
     * @return the needed files, in the order of {@code names}
     */
    static List<Needed> inArchiveDir(Path dataDir, String archiveDir, List<String> names) {
        List<Needed> needed = new ArrayList<>();
        for (String name : names) {
            Path extracted = dataDir.resolve(archiveDir).resolve(name);
            needed.add(
                    new Needed(
                            archiveDir + "/" + name,
                            List.of(extracted, dataDir.resolve(name)),
                            extracted));
        }
        return needed;
    }

    private static String missingMessage(
            String description,
            Path dataDir,
            Map<String, Path> missing,
            RemoteFile archive,
            Path archivePath) {
        StringBuilder sb = new StringBuilder();
        sb.append(description)
                .append(": files are missing from ")
                .append(dataDir.toAbsolutePath())
                .append(
                        " and DJL offline mode is on, so they are not downloaded. Put either the"
                                + " official archive at ")
                .append(archivePath.toAbsolutePath())
                .append(" (get ")
                .append(archive)
                .append("), or these files extracted from it:");
        for (Map.Entry<String, Path> e : missing.entrySet()) {
            sb.append("\n  ")
                    .append(e.getValue().toAbsolutePath())
                    .append("  (archive member ")
                    .append(e.getKey())
                    .append(')');
        }
        return sb.toString();
    }
}
