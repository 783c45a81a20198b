#!/usr/bin/env bash
# Renames the public types so that their names say which layer they belong to (a file of named
# tensors / a training run's saved state / when to save), names the exception kind enums alike,
# and moves implementation types that are public only for a sibling package to `internal`
# packages that javadoc leaves out. See docs/api.md ("Names that look alike").
#
# Run from the repository root, on any checkout: it is re-runnable, and a tree that already has
# part of the rename (or new code that still uses the old names) ends up fully renamed. File
# formats, the on-disk layout and the command line's output do not change.
#
#   .rename/rename.sh            rename, then format (mvn -q -o spotless:apply)
#   .rename/rename.sh --no-format
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

python3 - <<'PY'
import os, re, subprocess, sys

CP = "org.mlodyssey.djl.checkpoint"
DS = "org.mlodyssey.djl.datasets"
MODULES = ["djl-odyssey-io", "djl-odyssey-checkpoint", "djl-odyssey-datasets", "examples"]

# --- type renames: (package, old simple name, new simple name) -------------------------------
# "careful" renames match only where the old name is the type (a Java file in its package or
# importing it, code spans in Markdown); the others are distinctive and renamed word by word.
RENAMES = [
    (CP + ".format", "Checkpoint", "TensorFile", True),
    (CP + ".format", "ShardedCheckpoints", "ShardedTensorFiles", False),
    (CP + ".format", "CheckpointFormatException", "TensorFileFormatException", False),
    (CP + ".ndarray", "NDArrayCheckpoints", "NDArrayFiles", False),
    (CP + ".training", "TrainingCheckpoints", "CheckpointDirectories", False),
    (CP + ".listener", "CheckpointWriter", "SnapshotWriter", False),
]
# test classes named after renamed types (package, old, new)
TEST_RENAMES = [
    (CP + ".ndarray", "NDArrayCheckpointsTest", "NDArrayFilesTest"),
    (CP + ".ndarray", "NDArrayCheckpointsGpuTest", "NDArrayFilesGpuTest"),
    (CP + ".storage.s3", "S3NDArrayCheckpointsTest", "S3NDArrayFilesTest"),
    (CP + ".training", "TrainingCheckpointsTest", "CheckpointDirectoriesTest"),
]
# members renamed with their type (distinctive identifiers)
MEMBER_RENAMES = [("toCheckpoint", "toTensorFile")]

# --- implementation types moved to an internal package: (old package, name, new package) -----
INTERNAL = CP + ".internal"
MOVES = [
    (CP + ".format", "JsonErrors", INTERNAL),
    (CP + ".format", "StrictJson", INTERNAL),
    (CP + ".format", "ParallelCrc32c", INTERNAL),
    (CP + ".format", "ParallelCopy", INTERNAL),
    (CP + ".format", "AtomicFiles", INTERNAL),
    (CP + ".format", "FormatKeys", INTERNAL),
    (CP + ".storage", "ChecksummingChannel", INTERNAL),
    (CP + ".storage", "ObjectReaderChannel", INTERNAL),
    (CP + ".training", "DirectoryLock", INTERNAL),
    (CP + ".training", "HostArrayPool", INTERNAL),
    (CP + ".training", "ForwardState", INTERNAL),
    (CP + ".training", "ParameterNames", INTERNAL),
    (DS + ".format", "DataFileInput", DS + ".internal"),
    (DS + ".format", "PayloadBuffers", DS + ".internal"),
    (DS + ".format", "ArchiveExtractor", DS + ".internal"),
    (DS + ".format", "GzipMemberStream", DS + ".internal"),
    (DS + ".cifar", "ClassNamesReader", DS + ".internal"),
]
INTERNAL_DOC = {
    INTERNAL: "Implementation types that several packages of djl-odyssey-checkpoint share (JSON\n"
    " * reading rules, checksums, atomic writes, locks, host copies). Not API: they may change in any\n"
    " * release, and the javadoc leaves this package out.",
    DS + ".internal": "Implementation types that several packages of djl-odyssey-datasets share (bounded\n"
    " * input of data files, payload buffers, archive extraction). Not API: they may change in any\n"
    " * release, and the javadoc leaves this package out.",
}

def sh(*args):
    subprocess.run(args, check=True)

def tracked(path):
    return subprocess.run(["git", "ls-files", "--error-unmatch", path],
                          capture_output=True).returncode == 0

def move(src, dst):
    """git mv src dst; when both exist (new code merged at the old place), keep dst."""
    if not os.path.exists(src):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst):
        print(f"rename.sh: both {src} and {dst} exist; keeping {dst}, remove {src} by hand",
              file=sys.stderr)
        return
    if tracked(src):
        sh("git", "mv", src, dst)
    else:
        os.rename(src, dst)

def pkg_dir(pkg):
    return pkg.replace(".", "/")

def source_roots():
    for m in MODULES:
        for kind in ("main", "test"):
            root = f"{m}/src/{kind}/java"
            if os.path.isdir(root):
                yield root

# 1. files: renames and moves (main and test trees of every module)
for pkg, old, new, _ in RENAMES:
    for root in source_roots():
        move(f"{root}/{pkg_dir(pkg)}/{old}.java", f"{root}/{pkg_dir(pkg)}/{new}.java")
for pkg, old, new in TEST_RENAMES:
    for root in source_roots():
        move(f"{root}/{pkg_dir(pkg)}/{old}.java", f"{root}/{pkg_dir(pkg)}/{new}.java")
for pkg, name, newpkg in MOVES:
    for root in source_roots():
        move(f"{root}/{pkg_dir(pkg)}/{name}.java", f"{root}/{pkg_dir(newpkg)}/{name}.java")
        # its test stays where it is (it uses its package's test fixtures), importing the type

for newpkg, doc in INTERNAL_DOC.items():
    for root in source_roots():
        d = f"{root}/{pkg_dir(newpkg)}"
        if "/main/" in root and os.path.isdir(d) and not os.path.exists(f"{d}/package-info.java"):
            with open(f"{d}/package-info.java", "w") as f:
                f.write("/*\n * Copyright 2026 The djl-odyssey authors.\n"
                        " * Licensed under the Apache License, Version 2.0.\n */\n\n"
                        f"/**\n * {doc}\n */\npackage {newpkg};\n")
            sh("git", "add", f"{d}/package-info.java")

# 2. text of every file
def files(exts):
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [p for p in out if p and p.endswith(exts) and os.path.isfile(p)
            and not p.startswith(".rename/")]

JAVA_USE = (r"(?<![.\"\w])%s\b(?=\s*[.>,)\[}(#]|::|\s*\.\.\.|\s*$"
            r"|\s+[a-z]\w*\s*[=;,)({]|\s+[a-z]\w*\s+:)")
MD_USE = (r"(?<=[`(<])%s\b(?=[.`>,)#\[]| [a-z]\w* ?[=;)])"
          r"|(?<=^)%s\b(?=[.]| [a-z]\w* ?[=;)])|(?<=\s)%s\b(?=\.[a-z]| [a-z]\w* ?[=;)])")

moved = {(p, n): np for p, n, np in MOVES}
renamed_simple = {(p, o): n for p, o, n, _ in RENAMES}

def package_of(text):
    m = re.search(r"^package\s+([\w.]+)\s*;", text, re.M)
    return m.group(1) if m else None

def add_import(text, fqn):
    if re.search(r"^import\s+%s\s*;" % re.escape(fqn), text, re.M):
        return text
    imports = list(re.finditer(r"^import\s+(static\s+)?[\w.]+\s*;[^\n]*\n", text, re.M))
    line = f"import {fqn};\n"
    if imports:
        at = imports[-1].end()
        return text[:at] + line + text[at:]
    m = re.search(r"^package\s+[\w.]+\s*;[^\n]*\n", text, re.M)
    return text[:m.end()] + "\n" + line + text[m.end():]

def code_only(text):
    """The text without import lines, comments' markup kept (javadoc links count as uses)."""
    return re.sub(r"^import\s[^\n]*\n", "", text, flags=re.M)

def public_types_in(pkg):
    names = set()
    for root in source_roots():
        d = f"{root}/{pkg_dir(pkg)}"
        if "/main/" in root and os.path.isdir(d):
            for f in os.listdir(d):
                if f.endswith(".java") and f != "package-info.java":
                    names.add(f[:-5])
    return names

for path in files((".java",)):
    with open(path, encoding="utf-8") as f:
        text = orig = f.read()
    # fully qualified names (imports, javadoc, logger names in strings)
    for pkg, old, new, _ in RENAMES:
        text = re.sub(r"\b%s\.%s\b" % (re.escape(pkg), old), f"{pkg}.{new}", text)
    for pkg, name, newpkg in MOVES:
        text = re.sub(r"\b%s\.%s\b" % (re.escape(pkg), name), f"{newpkg}.{name}", text)
    # the moved file itself: its package
    pkg = package_of(text)
    for opkg, name, newpkg in MOVES:
        if path.endswith(f"/{pkg_dir(newpkg)}/{name}.java"):
            text = re.sub(r"^package\s+%s\s*;" % re.escape(opkg), f"package {newpkg};", text,
                          count=1, flags=re.M)
    pkg = package_of(text)
    # simple names
    for rpkg, old, new, careful in RENAMES:
        if careful:
            if pkg == rpkg or re.search(r"^import\s+%s\.%s\s*;" % (re.escape(rpkg), new), text, re.M):
                text = re.sub(JAVA_USE % old, new, text, flags=re.M)
                text = re.sub(r"\b(class|interface|enum|record)(\s+)%s\b" % old, r"\1\2" + new, text)
        else:
            text = re.sub(r"\b%s\b" % old, new, text)
    for old, new in [(o, n) for _, o, n in TEST_RENAMES] + MEMBER_RENAMES:
        text = re.sub(r"\b%s\b" % old, new, text)
    # InvalidTrainingCheckpointException: kind enum named Kind, read with getKind()
    if "InvalidTrainingCheckpointException" in text or re.search(r"^import\s+%s\.training\.InvalidTrainingCheckpointException" % re.escape(CP), text, re.M):
        text = re.sub(r"InvalidTrainingCheckpointException\.Reason\b",
                      "InvalidTrainingCheckpointException.Kind", text)
        text = re.sub(r"(?<![\w.])Reason(?=\.[A-Z_]+\b|\s+[a-z]\w*\s*[,)=;]|\s+reason\(\)|#[A-Z_]|\s*[{}]|\s+get(?:Reason|Kind)\()",
                      "Kind", text)
        text = re.sub(r"\bgetReason\(\)", "getKind()", text)
        text = re.sub(r"\bgetReason\b(?=\)|\s*\})", "getKind", text)  # method refs, links
        text = re.sub(r"(?<=::)getReason\b", "getKind", text)
        text = re.sub(r"public enum Reason\b", "public enum Kind", text)
    # imports for moved types: users in the old package, and the moved file's own old neighbours
    for opkg, name, newpkg in MOVES:
        body = code_only(text)
        if pkg == opkg and re.search(r"\b%s\b" % name, body) and not path.endswith(f"/{name}.java"):
            text = add_import(text, f"{newpkg}.{name}")
        if pkg == newpkg and path.endswith(f"/{name}.java"):
            for other in sorted(public_types_in(opkg)):
                if re.search(r"\b%s\b" % other, body):
                    text = add_import(text, f"{opkg}.{other}")
    if path.endswith("/training/InvalidTrainingCheckpointException.java"):
        text = re.sub(r"\breason\b", "kind", text)
    # a moved type's package-private members were used by its old package: they become public
    if pkg in (INTERNAL, DS + ".internal") and "/src/main/" in path and any(
            path.endswith(f"/{n}.java") for _, n, _ in MOVES):
        text = re.sub(
            r"^(    )(?!public\b|private\b|protected\b|return\b)"
            r"(?=(?:(?:static|final|abstract|synchronized)\s+)*"
            r"(?:<[^>]*>\s*)?(?:[A-Z]\w*|void|int|long|boolean|byte|short|char|float|double)"
            r"(?:<.*?>)?(?:\[\])*(?:\s+[A-Za-z_]\w*)?\s*[(=;])"
            r"|^(    )(?!public\b|private\b|protected\b)(?=(?:(?:static|final|abstract)\s+)*"
            r"(?:interface|enum|record|class)\s)",
            r"\1\2public ", text, flags=re.M)
    if pkg in (INTERNAL, DS + ".internal"):
        text = re.sub(r"^import\s+%s\.\w+\s*;\n" % re.escape(pkg), "", text, flags=re.M)
    if text != orig:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

for path in files((".md", ".xml", ".properties", ".txt")):
    with open(path, encoding="utf-8") as f:
        text = orig = f.read()
    for pkg, old, new, careful in RENAMES:
        text = re.sub(r"\b%s\.%s\b" % (re.escape(pkg), old), f"{pkg}.{new}", text)
        if careful:
            text = re.sub(MD_USE % (old, old, old), new, text, flags=re.M)
        else:
            text = re.sub(r"\b%s\b" % old, new, text)
    for pkg, name, newpkg in MOVES:
        text = re.sub(r"\b%s\.%s\b" % (re.escape(pkg), name), f"{newpkg}.{name}", text)
    for _, old, new in TEST_RENAMES:
        text = re.sub(r"\b%s\b" % old, new, text)
    for old, new in MEMBER_RENAMES:
        text = re.sub(r"\b%s\b" % old, new, text)
    text = re.sub(r"InvalidTrainingCheckpointException\.Reason\b",
                  "InvalidTrainingCheckpointException.Kind", text)
    if text != orig:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

# 3. javadoc leaves the internal packages out
with open("pom.xml", encoding="utf-8") as f:
    pom = f.read()
if "<excludePackageNames>" not in pom:
    pom, n = re.subn(
        r"(<artifactId>maven-javadoc-plugin</artifactId>\s*<version>[^<]*</version>\s*<configuration>\n)",
        r"\1            <!-- Implementation types shared between packages are not API (as DJL's). -->\n"
        r"            <excludePackageNames>*.internal:*.internal.*</excludePackageNames>\n",
        pom, count=1)
    if n != 1:
        sys.exit("rename.sh: maven-javadoc-plugin configuration not found in pom.xml")
    with open("pom.xml", "w", encoding="utf-8") as f:
        f.write(pom)
PY

# 4. the parts a word-for-word rename cannot write: docs and javadoc sentences
python3 - <<'PY'
import os, re, sys

def patch(path, old, new, regex=False, done=None):
    """Replaces old by new once; nothing when new (or done) is already there; else a warning."""
    if not os.path.exists(path):
        print(f"rename.sh: {path} is missing; not patched", file=sys.stderr)
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if (done or new) in text:
        return
    if regex:
        out, n = re.subn(old, new, text, count=1, flags=re.S | re.M)
    else:
        n = text.count(old)
        out = text.replace(old, new, 1)
    if n == 0:
        print(f"rename.sh: {path}: text to replace not found; patch it by hand:\n  {old[:120]!r}",
              file=sys.stderr)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(out)

API = "docs/api.md"
NAMES = """## Names that look alike

Each name says which of the three things it is about:

- **A file of named tensors** is a *tensor file*. `TensorFile` is one file (or a shard set) of
  named tensors and string metadata, and knows nothing of training; `TensorFileReader` and
  `TensorFileWriter` read and write one file's bytes; `TensorFileFormatException` says what is wrong
  with one. `NDArrayFiles` are the static helpers between DJL `NDArray`s and tensor files on a
  path, `StoredNDArrays` the same on a `CheckpointStore` (a bucket or a local directory; "stored",
  as `StoredObject`, means "in a store"). `ShardedTensorFiles` (not public) is how `TensorFile`
  saves and loads a sharded set (`WriteOptions.optMaxShardBytes`) in the Hugging Face layout.
- **A training run's saved state** is a *checkpoint*, always a directory. `TrainingCheckpoint` is
  one committed, verified checkpoint directory (parameters, optimizer, progress) and
  `TrainingCheckpointManifest` the `manifest.json` inside it. A directory of checkpoints is a
  `CheckpointDirectory`, an object (local or on a store, with its lock, listing and `latest`
  pointer); `CheckpointDirectories` are its static shortcuts on a local path, as `CheckpointStores`
  are for `CheckpointStore`: `CheckpointDirectories.save(root, snapshot, metadata)` is
  `CheckpointDirectory.of(root).save(snapshot, metadata)`. `DataParallelCheckpoints` saves a
  data-parallel trainer's state as a distributed checkpoint.
- **When to save** is the listener's: `CheckpointListener` decides, captures a `TrainingSnapshot`
  and hands it to its background `SnapshotWriter` (not public); `SavedCheckpoint` is its record of
  one `TrainingCheckpoint` it committed, with its cost.
- `CheckpointStore` is where files live (a local directory or a bucket prefix), not a checkpoint.

## Internal packages

`org.mlodyssey.djl.checkpoint.internal` and `org.mlodyssey.djl.datasets.internal` hold the
implementation types that several packages share (JSON reading rules, parallel checksums and
copies, atomic writes, the metadata keys, directory locks, host copies of arrays, bounded input of
data files). They are public only because Java has no other way to share them across packages;
they are not API, may change in any release, and the javadoc leaves them out, as DJL's own
`internal` packages.

"""
with open(API, encoding="utf-8") as f:
    api = f.read()
if "## Internal packages" not in api:
    api, n = re.subn(r"^## Names that look alike\n.*?(?=^## Exceptions\n)", lambda m: NAMES, api,
                     count=1, flags=re.S | re.M)
    if n != 1:
        print("rename.sh: docs/api.md has no 'Names that look alike' section before"
              " 'Exceptions'; write it by hand", file=sys.stderr)
    with open(API, "w", encoding="utf-8") as f:
        f.write(api)
patch(API, "| `InvalidTrainingCheckpointException` | yes | `Reason` |",
      "| `InvalidTrainingCheckpointException` | yes | `Kind` |")
patch(API, r"`Kind`, read with `getKind\(\)`\. One keeps an older name: [^\n]*\n\(`getReason\(\)`\)\.",
      "`Kind`, read with `getKind()`; no exception names it otherwise.", regex=True)
patch("docs/training-checkpoints.md",
      "`InvalidTrainingCheckpointException` whose\n`Reason` and message",
      "`InvalidTrainingCheckpointException` whose\n`Kind` and message")
patch("docs/training-checkpoints.md", "\n| reason | when |", "\n| kind | when |")

T = "djl-odyssey-checkpoint/src/main/java/org/mlodyssey/djl/checkpoint"
patch(f"{T}/format/TensorFile.java",
      " * TensorFile checkpoint = new TensorFile();\n"
      " * checkpoint.put(\"fc.weight\", Tensor.of(TensorDType.F32, new long[] {2, 2}, buffer));\n"
      " * checkpoint.putMetadata(\"epoch\", \"3\");\n"
      " * checkpoint.save(Path.of(\"model.safetensors\"));",
      " * TensorFile file = new TensorFile();\n"
      " * file.put(\"fc.weight\", Tensor.of(TensorDType.F32, new long[] {2, 2}, buffer));\n"
      " * file.putMetadata(\"epoch\", \"3\");\n"
      " * file.save(Path.of(\"model.safetensors\"));")
patch(f"{T}/training/CheckpointDirectories.java",
      " * without a valid manifest is never loaded.\n */",
      " * without a valid manifest is never loaded.\n *\n"
      " * <p>These are the static shortcuts of a {@link CheckpointDirectory} on a local path: {@code\n"
      " * CheckpointDirectories.save(root, snapshot, metadata)} is {@code\n"
      " * CheckpointDirectory.of(root).save(snapshot, metadata)}. The object also locks the directory,\n"
      " * lists it and lives on a store as well.\n */", done="These are the static shortcuts of a")
patch(f"{T}/ndarray/NDArrayFiles.java",
      " * Translates DJL {@link NDArray}s to and from named-tensor checkpoints.",
      " * Translates DJL {@link NDArray}s to and from tensor files (files of named tensors, {@link\n"
      " * TensorFile}).", done="to and from tensor files (files of named tensors")
patch("djl-odyssey-datasets/src/main/java/org/mlodyssey/djl/datasets/format/package-info.java",
      " * The typed error for malformed dataset files and the byte-level helpers that the format readers\n"
      " * share (bounded gzip input, tar member extraction).",
      " * The typed error for malformed dataset files. The byte-level helpers that the format readers\n"
      " * share (bounded gzip input, tar member extraction) are implementation types of the {@code\n"
      " * internal} package.", done="are implementation types of the")
PY

if [ "${1:-}" != "--no-format" ]; then
    mvn -q -o spotless:apply
fi
