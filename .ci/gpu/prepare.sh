#!/usr/bin/env bash
# Builds .gpu/, the bundle that runs the GPU tests on a lent GPU machine (see README.md here):
# a small Java runtime, the test classpath's jars (no libtorch: the machine's own is used), DJL's
# JNI sources patched for that libtorch, the versions that DJL's JNI cache path is named after
# (.gpu/env), and the device-side scripts. Run from anywhere; it works in the repository root. Every
# mvn call is offline (-o): what it needs must be in the local repository (see README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=.ci/gpu
OUTB=.gpu
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
DJL_VERSION=$(prop djl.version)
# The libtorch version of DJL's native jars (pytorch-native-*, pytorch-jni).
PYTORCH_VERSION=$(prop pytorch.version)
JUNIT_VERSION=$(prop junit.version)
JUNIT_PLATFORM=1.${JUNIT_VERSION#5.}
MODULES=(djl-odyssey-checkpoint djl-odyssey-datasets)

missing=$(for f in ai_djl_pytorch_jni_PyTorchLibrary_{inference,ivalue,nn_functional,optim,system,tensor,torch_comparison,torch_creation,torch_isjm,torch_other,torch_pointwise,torch_random_sampling,torch_reduction}.cc djl_pytorch_jni_exception.h djl_pytorch_jni_log.h djl_pytorch_utils.h; do
    [ -f "$HERE/djl-native/$f" ] || echo "$f"; done)
if [ -n "$missing" ]; then
    echo "DJL's native sources are missing from $HERE/djl-native/ (see $HERE/README.md):" >&2
    echo "$missing" >&2
    exit 2
fi

rm -rf "$OUTB"; mkdir -p "$OUTB/lib" "$OUTB/testlib" "$OUTB/jni/native" "$OUTB/jni/include/djl"

echo "== build the modules' classes and test classes, and their test classpaths"
# One reactor build (-am): djl-odyssey-io resolves to its target/classes, whether a djl-odyssey-io
# is installed in the local repository or not (or a stale one). Each module writes its classpath to
# its own target/gpu-classpath.txt (a relative outputFile is taken from the module's folder).
mvn -B -q -o -pl "$(IFS=,; echo "${MODULES[*]}")" -am -DskipTests -Djacoco.skip=true \
    test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/gpu-classpath.txt
for m in io checkpoint datasets; do
    (cd "djl-odyssey-$m/target/classes" && jar cf "../../../$OUTB/lib/odyssey-$m.jar" .)
    if [ -d "djl-odyssey-$m/target/test-classes" ]; then
        (cd "djl-odyssey-$m/target/test-classes" && jar cf "../../../$OUTB/lib/odyssey-$m-tests.jar" .)
    fi
done

echo "== the test classpath, less the reactor's outputs (jarred above), the S3 server, the fuzzer, JUnit (the console launcher has it) and libtorch"
# One entry a line; a classpath file does not end in a newline, so each is closed before the next.
for m in "${MODULES[@]}"; do
    tr ':' '\n' < "$m/target/gpu-classpath.txt"
    echo
done | grep -v -e '^$' -e '/org/mlodyssey/' | grep -v -F "$(pwd -P)/" | sort -u | grep -v -E \
    's3proxy|jclouds|azure|netty|jetty|nimbus|msal4j|guice|jaxb|jakarta|amazonaws|awssdk|pytorch-native|jazzer|jackson|woodstox|stax2|reactor|joda|args4j|json-smart|accessors-smart|/asm/|jna-platform|checker-qual|j2objc|listenablefuture|jsr305|fileupload|modernizer|jcl-over|javax|istack|angus|txw2|aopalliance|jcip|content-type|lang-tag|reactive-streams|eventstream|commons-logging|httpc|/junit/|opentest4j|apiguardian' \
    > "$OUTB/jars.txt"
while read -r jar; do
    case "$jar" in
        *.jar) [ -f "$jar" ] || { echo "missing jar on the test classpath: $jar" >&2; exit 3; } ;;
        *) echo "not a jar on the test classpath: $jar" >&2; exit 3 ;;
    esac
    case "$jar" in
        *mockito*|*byte-buddy*|*objenesis*|*jimfs*|*guava*|*failureaccess*) cp "$jar" "$OUTB/testlib/" ;;
        *) cp "$jar" "$OUTB/lib/" ;;
    esac
done < "$OUTB/jars.txt"
rm "$OUTB/jars.txt"

echo "== JUnit's console launcher and a small Java runtime"
# Offline: junit-platform-console-standalone must be in the local repository (README.md).
mvn -B -q -o dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM" \
    -DoutputDirectory="$PWD/$OUTB"
mv "$OUTB/junit-platform-console-standalone-$JUNIT_PLATFORM.jar" "$OUTB/junit-console.jar"
JDK=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,java.desktop,jdk.unsupported,jdk.management,java.instrument,jdk.zipfs,java.net.http,jdk.crypto.ec,jdk.attach,jdk.httpserver \
    --compress=2 --strip-debug --no-man-pages --no-header-files --output "$OUTB/jre17"
(cd "$OUTB" && tar czf jre17.tgz jre17 && rm -rf jre17)

echo "== DJL's JNI: the header from pytorch-engine $DJL_VERSION's sources, the sources patched"
# Offline: pytorch-engine's sources jar must be in the local repository (README.md).
mvn -B -q -o dependency:copy -Dartifact="ai.djl.pytorch:pytorch-engine:$DJL_VERSION:jar:sources" \
    -DoutputDirectory="$PWD/$OUTB/src"
(cd "$OUTB/src" && unzip -q -o "pytorch-engine-$DJL_VERSION-sources.jar")
javac -h "$OUTB/jni/include" -d "$OUTB/src/classes" -cp "$(ls "$OUTB"/lib/api-*.jar):$(ls "$OUTB"/lib/slf4j-api-*.jar)" \
    -sourcepath "$OUTB/src" "$OUTB/src/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$OUTB/src"
cp "$JDK/include/jni.h" "$JDK/include/linux/jni_md.h" "$OUTB/jni/include/"
cp "$HERE"/djl-native/* "$OUTB/jni/native/"
python3 "$HERE/patch_djl_native.py" "$OUTB/jni/native"
cp "$HERE"/native/*.h "$HERE"/native/*.cc "$OUTB/jni/native/"
cp "$HERE/native/djl/utils.h" "$OUTB/jni/include/djl/utils.h"

echo "== .gpu/env: the versions that DJL's JNI cache path, which run.sh fills, is named after"
# The CUDA flavor that DJL ships a JNI for with this libtorch (cu128 for DJL 0.36's 2.7.1, as its
# BOM's pytorch-native-cu128 says), read from the pytorch-jni jar of the test classpath. DJL loads
# libtorch's CUDA libraries only under a flavor with "cu" in it. The classifier is this machine's:
# the bundle's Java is built for it.
JNI_JAR="$OUTB/lib/pytorch-jni-$PYTORCH_VERSION-$DJL_VERSION.jar"
if [ ! -f "$JNI_JAR" ]; then
    echo "no $JNI_JAR: pytorch.version and djl.version in pom.xml do not name the pytorch-jni on the classpath" >&2
    exit 4
fi
case "$(uname -m)" in
    x86_64) CLASSIFIER=linux-x86_64 ;;
    aarch64) CLASSIFIER=linux-aarch64 ;;
    *) echo "unsupported architecture: $(uname -m)" >&2; exit 4 ;;
esac
FLAVOR=$(unzip -Z1 "$JNI_JAR" | sed -n "s:^jnilib/$CLASSIFIER/\\(cu[0-9]*\\)/libdjl_torch\\.so\$:\\1:p")
if [ "$(printf '%s\n' "$FLAVOR" | grep -c .)" != 1 ]; then
    echo "expected one CUDA flavor of libdjl_torch in $JNI_JAR, found: ${FLAVOR:-none}" >&2
    exit 4
fi
printf '%s\n' "DJL_VERSION=$DJL_VERSION" "PYTORCH_VERSION=$PYTORCH_VERSION" \
    "PYTORCH_FLAVOR=$FLAVOR" "PYTORCH_CLASSIFIER=$CLASSIFIER" > "$OUTB/env"
cat "$OUTB/env"

echo "== the smoke test and the device-side scripts"
mkdir -p "$OUTB/smoke"
javac -d "$OUTB/smoke" -cp "$(ls "$OUTB"/lib/api-*.jar)" "$HERE/GpuSmoke.java"
(cd "$OUTB/smoke" && jar cf ../lib/smoke.jar . ) && rm -rf "$OUTB/smoke"
cp "$HERE/run.sh" "$HERE/check_reports.py" "$HERE/junit-logging.properties" "$OUTB/"
du -sh "$OUTB"
