#!/usr/bin/env bash
# shellcheck disable=SC2153 # TORCHLIB, TORCH_VERSION, ...: assigned by a file the script writes and reads
# Device side of the GPU check (see .ci/gpu/README.md): builds DJL's JNI against the machine's own
# libtorch (its pip torch), runs a smoke test, the GPU tests, then the unit suites with the GPU as
# the default device. Run as `bash .gpu/run.sh` where prepare.sh's .gpu/ is.
#
# It passes only if every stage passes. Exit status: that of the first stage that failed:
#   10 machine    no GPU that PyTorch sees (or no PyTorch), or a bundle built for another platform
#   11 cudart     no CUDA runtime library found for DJL's GPU count
#   12 compile    a JNI source did not compile
#   13 link       libdjl_torch.so did not link (-z defs: a symbol no library on the line defines)
#   14 smoke      the smoke test failed: DJL does not see the GPUs, does not default to one, or
#                 computes wrongly on one
#   15 gpu-tests  a GPU test failed, a selected class ran no test, a test class could not be
#                 loaded, or the run timed out (16: tests skipped that should have run)
#   17 full       a unit test failed, a test class could not be loaded, or the run timed out
#                 (18: GPU tests skipped that should have run)
# Stages 10-14 stop the run; the two test stages both run, whatever the other gives. Any other
# status is a command that failed unexpectedly (set -e). The last line of the log sums up.
# Knobs: TEST_TIMEOUT, FULL_TIMEOUT (seconds: 300, 200), EXTRA_SELECT (more launcher selectors for
# the GPU tests' stage), PYTHON (python3), OUT (where the log and the reports go: /tmp/out).
set -euo pipefail
cd "$(dirname "$0")/.."
B=.gpu
# DJL_VERSION, PYTORCH_VERSION, PYTORCH_FLAVOR, PYTORCH_CLASSIFIER: written by prepare.sh.
if [ ! -f "$B/env" ]; then
    echo "run.sh: $B/env is missing: build the bundle with .ci/gpu/prepare.sh (exit 10)" >&2
    exit 10
fi
# shellcheck source=/dev/null
. "$B/env"
OUTD=${OUT:-/tmp/out}
mkdir -p "$OUTD"
# Nothing of an earlier run's results may be read as this run's.
rm -rf "$OUTD/jni" "$OUTD/reports" "$OUTD/full" "$OUTD/gpu-tests.txt" "$OUTD/full.txt"
exec > >(tee "$OUTD/log.txt") 2>&1
TEE_PID=$!

STAGES=(machine cudart compile link smoke gpu-tests full)
declare -A STATUS=()
CURRENT=machine
FIRST_FAIL=0
pass() { STATUS[$1]="ok${2:+ ($2)}"; }
fail() {
    STATUS[$1]="FAILED($2: $3)"
    echo "== $1 FAILED ($2): $3"
    if [ "$FIRST_FAIL" -eq 0 ]; then FIRST_FAIL=$2; fi
}
finish() {
    local rc=$? line s
    if [ "$FIRST_FAIL" -eq 0 ] && [ "$rc" -ne 0 ]; then
        STATUS[$CURRENT]="FAILED($rc: unexpected, see above)"
        FIRST_FAIL=$rc
    fi
    line="summary:"
    for s in "${STAGES[@]}"; do line+=" $s=${STATUS[$s]:-not run};"; done
    echo "$line exit $FIRST_FAIL"
    exec >&- 2>&-
    wait "$TEE_PID" 2> /dev/null || true
    exit "$FIRST_FAIL"
}
trap finish EXIT

echo "== machine"
nvidia-smi -L || echo "(nvidia-smi failed or is missing)"
echo "cores: $(nproc)"
case "$(uname -m)" in x86_64) ARCH=linux-x86_64 ;; aarch64) ARCH=linux-aarch64 ;; *) ARCH=$(uname -m) ;; esac
if [ "$ARCH" != "$PYTORCH_CLASSIFIER" ]; then
    fail machine 10 "this is $ARCH, the bundle's Java is for $PYTORCH_CLASSIFIER"
    exit
fi
PY=${PYTHON:-python3}
# What the JNI build and the checks need from the machine's PyTorch, as shell assignments.
if ! "$PY" -c '
import os, shlex, torch
count = torch.cuda.device_count() if torch.cuda.is_available() else 0
for key, value in [
    ("TORCHLIB", os.path.join(os.path.dirname(torch.__file__), "lib")),
    ("TORCH_VERSION", torch.__version__),
    ("TORCH_CUDA", str(torch.version.cuda)),
    ("TORCH_ABI", str(int(torch._C._GLIBCXX_USE_CXX11_ABI))),
    ("GPU_COUNT", str(count)),
]:
    print(key + "=" + shlex.quote(value))
' > /tmp/gpu-torch.env; then
    fail machine 10 "$PY cannot import torch"
    exit
fi
# shellcheck source=/dev/null
. /tmp/gpu-torch.env
echo "torch $TORCH_VERSION, CUDA $TORCH_CUDA, GPUs visible to it: $GPU_COUNT, C++11 ABI $TORCH_ABI"
ls "$TORCHLIB"
if [ "$GPU_COUNT" -lt 1 ]; then
    fail machine 10 "PyTorch sees no GPU (torch.cuda.is_available() is false)"
    exit
fi
pass machine "$GPU_COUNT GPU(s), torch $TORCH_VERSION"

CURRENT=cudart
echo "== cudart: the CUDA runtime DJL counts the GPUs with (through JNA)"
# The one libtorch_cuda is linked to, else the first real file found on the machine (not a link:
# /tmp/cudart/libcudart.so, made by an earlier run, is one).
rm -rf /tmp/cudart
CUDART=$(ldd "$TORCHLIB/libtorch_cuda.so" 2> /dev/null | awk '$1 ~ /^libcudart\.so/ && $3 ~ /^\// {print $3; exit}' || true)
if [ -z "$CUDART" ]; then
    CUDART=$(find / -xdev -type f -name 'libcudart.so*' 2> /dev/null | sort | head -1 || true)
fi
if [ -z "$CUDART" ] || [ ! -f "$CUDART" ]; then
    fail cudart 11 "no libcudart.so* on this machine: DJL would count no GPU and every GPU test would skip"
    exit
fi
mkdir -p /tmp/cudart
ln -s "$CUDART" /tmp/cudart/libcudart.so
echo "cudart: $CUDART"
pass cudart

CURRENT=compile
echo "== compile DJL's JNI against the machine's libtorch"
TORCHDIR=$(dirname "$TORCHLIB")
CXX=$(command -v g++ || command -v c++ || command -v clang++ || true)
if [ -z "$CXX" ]; then
    fail compile 12 "no C++ compiler"
    exit
fi
echo "cxx: $CXX ($("$CXX" --version | head -1))"
FLAGS=(-std=c++20 -O1 -fPIC "-D_GLIBCXX_USE_CXX11_ABI=$TORCH_ABI" "-I$B/jni/native" "-I$B/jni/include"
    "-I$TORCHDIR/include" "-I$TORCHDIR/include/torch/csrc/api/include")
for d in /usr/local/cuda/include /usr/local/cuda-13.0/include "$TORCHDIR"/../nvidia/*/include; do
    if [ -d "$d" ]; then FLAGS+=("-I$d"); fi
done
rm -rf /tmp/jni
mkdir -p /tmp/jni
# One compiler a source, as many at once as there are cores; each failure leaves a .failed mark.
compile_one() {
    local name flags
    name=$(basename "$1" .cc)
    mapfile -t flags <<< "$JNI_FLAGS"
    "$JNI_CXX" "${flags[@]}" -c "$1" -o "/tmp/jni/$name.o" 2> "/tmp/jni/$name.log" || {
        touch "/tmp/jni/$name.failed"
        return 1
    }
}
export -f compile_one
export JNI_CXX=$CXX
JNI_FLAGS=$(printf '%s\n' "${FLAGS[@]}")
export JNI_FLAGS
SECONDS=0
xargs_rc=0
# shellcheck disable=SC2016 # $1 is the inner shell's
printf '%s\n' "$B"/jni/native/*.cc | xargs -P "$(nproc)" -n 1 bash -c 'compile_one "$1"' _ || xargs_rc=$?
failed=()
for mark in /tmp/jni/*.failed; do
    if [ -e "$mark" ]; then failed+=("$(basename "$mark" .failed)"); fi
done
if [ "$xargs_rc" -ne 0 ] || [ "${#failed[@]}" -gt 0 ]; then
    mkdir -p "$OUTD/jni"
    for name in "${failed[@]}"; do
        echo "-- $name.cc:"
        head -c 3000 "/tmp/jni/$name.log"
        echo
        cp "/tmp/jni/$name.log" "$OUTD/jni/"
    done
    echo "failed to compile: ${failed[*]:-(none marked)}"
    fail compile 12 "${#failed[@]} source(s) failed, named above (xargs status $xargs_rc)"
    exit
fi
pass compile "$(find /tmp/jni -name '*.o' | wc -l) objects in ${SECONDS}s"

CURRENT='link'
echo "== link libdjl_torch.so (-z defs: every symbol must come from the libraries named here)"
if ! "$CXX" -shared -o /tmp/jni/libdjl_torch.so /tmp/jni/*.o -Wl,-z,defs -L"$TORCHLIB" -Wl,-rpath,"$TORCHLIB" \
    -ltorch -ltorch_cpu -lc10 -ltorch_cuda -lc10_cuda > /tmp/jni/link.log 2>&1; then
    head -c 6000 /tmp/jni/link.log
    echo
    mkdir -p "$OUTD/jni" && cp /tmp/jni/link.log "$OUTD/jni/"
    fail link 13 "see the linker's messages above (undefined references name the missing symbols)"
    exit
fi
JNIDIR=/tmp/djl/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-$PYTORCH_CLASSIFIER
mkdir -p "$JNIDIR"
cp /tmp/jni/libdjl_torch.so "$JNIDIR/$DJL_VERSION-libdjl_torch.so"
echo "built in ${SECONDS}s: $JNIDIR/$DJL_VERSION-libdjl_torch.so"
pass link

CURRENT=smoke
echo "== smoke"
rm -rf /tmp/jre17
tar xzf "$B/jre17.tgz" -C /tmp
JAVA=/tmp/jre17/bin/java
export PYTORCH_LIBRARY_PATH=$TORCHLIB PYTORCH_VERSION PYTORCH_FLAVOR DJL_CACHE_DIR=/tmp/djl ENGINE_CACHE_DIR=/tmp/djl
CP=$(printf '%s:' "$B"/lib/*.jar)
CP=${CP%:}
JOPTS=(-Djna.library.path=/tmp/cudart -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=info)
rc=0
timeout 120 "$JAVA" "${JOPTS[@]}" -cp "$CP" GpuSmoke "$GPU_COUNT" || rc=$?
if [ "$rc" -ne 0 ]; then
    fail smoke 14 "GpuSmoke exited $rc"
    exit
fi
pass smoke

# The test stages log JUnit's classpath scanning (junit-logging.properties): a test class that cannot
# be loaded is otherwise dropped without a word.
TOPTS=("${JOPTS[@]}" "-Djava.util.logging.config.file=$B/junit-logging.properties")
# A stage of tests: the launcher's status, classes it could not load, then the reports (skips
# included: see check_reports.py).
check_stage() { # STAGE FAIL_CODE SKIP_CODE LAUNCHER_STATUS REPORTS LAUNCHER_LOG [check_reports.py options...]
    local stage=$1 fail_code=$2 skip_code=$3 status=$4 reports=$5 log=$6 crc=0
    shift 6
    if grep -q 'during classpath scanning' "$log"; then
        grep -A1 'during classpath scanning' "$log"
        fail "$stage" "$fail_code" "test classes that could not be loaded (named above): a jar or Java module missing from the bundle"
        "$PY" "$B/check_reports.py" "$@" "$reports" "$GPU_COUNT" || true
        return
    fi
    if [ "$status" -ne 0 ]; then
        fail "$stage" "$fail_code" "the launcher exited $status$([ "$status" -eq 124 ] && echo ': timed out')"
        "$PY" "$B/check_reports.py" "$@" "$reports" "$GPU_COUNT" || true
        return
    fi
    "$PY" "$B/check_reports.py" "$@" "$reports" "$GPU_COUNT" || crc=$?
    case "$crc" in
        0) pass "$stage" "$(grep -h -c '<testcase' "$reports"/TEST-*.xml | awk '{n += $1} END {print n}') tests" ;;
        1) fail "$stage" "$skip_code" "tests skipped that should have run on the GPU (see check: above)" ;;
        *) fail "$stage" "$fail_code" "the reports show failures, a class missing or no test (check status $crc)" ;;
    esac
}

CURRENT=gpu-tests
echo "== the GPU tests"
GPU_CLASSES=(org.mlodyssey.djl.checkpoint.ndarray.NDArrayFilesGpuTest
    org.mlodyssey.djl.checkpoint.training.GpuResumeTest
    org.mlodyssey.djl.checkpoint.training.DataParallelCheckpointsTest
    org.mlodyssey.djl.checkpoint.listener.EasyTrainResumeTest)
SELECT=()
for c in "${GPU_CLASSES[@]}"; do SELECT+=(--select-class "$c"); done
read -r -a EXTRA <<< "${EXTRA_SELECT:-}"
rm -rf "$OUTD/reports"
rc=0
timeout "${TEST_TIMEOUT:-300}" "$JAVA" "${TOPTS[@]}" -jar "$B/junit-console.jar" execute -cp "$CP" \
    "${SELECT[@]}" "${EXTRA[@]}" --fail-if-no-tests --details=tree --disable-banner --disable-ansi-colors \
    --reports-dir "$OUTD/reports" 2>&1 | tee "$OUTD/gpu-tests.txt" || rc=$?
check_stage gpu-tests 15 16 "$rc" "$OUTD/reports" "$OUTD/gpu-tests.txt" --only-gpu-skips \
    --expect-classes "$(IFS=,; echo "${GPU_CLASSES[*]}")"

CURRENT=full
echo "== the checkpoint and datasets unit suites with the GPU as the default device"
echo "   (left out: the S3, Loopback, fuzz, CheckpointDirectoryTest and UnsignedPayloadSignerTest classes; README.md says why)"
FULLCP="$CP:$(printf '%s:' "$B"/testlib/*.jar)$B/junit-console.jar"
rm -rf "$OUTD/full"
rc=0
timeout "${FULL_TIMEOUT:-200}" "$JAVA" "${TOPTS[@]}" -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "$FULLCP" org.junit.platform.console.ConsoleLauncher execute \
    --select-package org.mlodyssey.djl.checkpoint --select-package org.mlodyssey.djl.datasets \
    --exclude-classname '.*(S3|Fuzz|Loopback).*|.*\.(CheckpointDirectoryTest|UnsignedPayloadSignerTest)' \
    --fail-if-no-tests --details=flat --disable-banner --disable-ansi-colors --reports-dir "$OUTD/full" \
    2>&1 | tee "$OUTD/full.txt" || rc=$?
check_stage full 17 18 "$rc" "$OUTD/full" "$OUTD/full.txt"
