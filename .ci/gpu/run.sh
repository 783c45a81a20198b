#!/usr/bin/env bash
# Device side of the GPU check (see .ci/gpu/README.md): builds DJL's JNI against the machine's own
# libtorch (its pip torch), then runs the GPU tests and the unit suites with the GPU as the default device.
set -u
# DJL_VERSION, PYTORCH_VERSION, PYTORCH_FLAVOR, PYTORCH_CLASSIFIER: written by prepare.sh.
. .gpu/env
OUTD=${OUT:-/tmp/out}; mkdir -p "$OUTD"
exec > >(tee "$OUTD/log.txt") 2>&1
echo "== machine"; nvidia-smi -L; nproc
PY=python3
TORCHLIB=$($PY -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
$PY -c "import torch;print('torch', torch.__version__, torch.version.cuda, torch.cuda.is_available())"
ls "$TORCHLIB"
CUDART=$(find / -xdev -name 'libcudart.so*' 2>/dev/null | sort | head -3); echo "cudart: $CUDART"
mkdir -p /tmp/cudart && ln -sf "$(echo "$CUDART" | head -1)" /tmp/cudart/libcudart.so
tar xzf .gpu/jre17.tgz -C /tmp
JAVA=/tmp/jre17/bin/java
export PYTORCH_LIBRARY_PATH=$TORCHLIB PYTORCH_VERSION PYTORCH_FLAVOR DJL_CACHE_DIR=/tmp/djl ENGINE_CACHE_DIR=/tmp/djl
CP=$(ls .gpu/lib/*.jar | tr '\n' ':')
JOPTS="-Djna.library.path=/tmp/cudart -Xmx8g -Dorg.slf4j.simpleLogger.defaultLogLevel=info"
echo "== build libdjl_torch against the device's libtorch"
TORCHDIR=$(dirname "$TORCHLIB")
ABI=$($PY -c "import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))")
CXX=$(command -v g++ || command -v c++ || command -v clang++); echo "cxx: $CXX $($CXX --version | head -1) abi=$ABI"
CUDAINC=""; for d in /usr/local/cuda/include /usr/local/cuda-13.0/include $(ls -d "$TORCHDIR"/../nvidia/*/include 2>/dev/null); do [ -d "$d" ] && CUDAINC="$CUDAINC -I$d"; done
mkdir -p /tmp/jni
SECONDS=0
ls .gpu/jni/native/*.cc | xargs -P16 -I{} sh -c "$CXX -std=c++20 -O1 -fPIC -c -D_GLIBCXX_USE_CXX11_ABI=$ABI -I.gpu/jni/native -I.gpu/jni/include -I$TORCHDIR/include -I$TORCHDIR/include/torch/csrc/api/include $CUDAINC {} -o /tmp/jni/\$(basename {}).o 2>/tmp/jni/\$(basename {}).log || { echo FAILED {}; head -c 3000 /tmp/jni/\$(basename {}).log; }"
$CXX -shared -o /tmp/jni/libdjl_torch.so /tmp/jni/*.o -L"$TORCHLIB" -Wl,-rpath,"$TORCHLIB" -ltorch -ltorch_cpu -lc10 -ltorch_cuda -lc10_cuda || exit 3
echo "built in ${SECONDS}s: $(ls -la /tmp/jni/libdjl_torch.so)"
JNIDIR=/tmp/djl/pytorch/$PYTORCH_VERSION-$PYTORCH_FLAVOR-$PYTORCH_CLASSIFIER
mkdir -p "$JNIDIR" && cp /tmp/jni/libdjl_torch.so "$JNIDIR/$DJL_VERSION-libdjl_torch.so"
echo "== smoke"
timeout 120 $JAVA $JOPTS -cp "$CP" GpuSmoke; echo "smoke rc=$?"
echo "== tests"
timeout ${TEST_TIMEOUT:-300} $JAVA $JOPTS -jar .gpu/junit-console.jar -cp "$CP" \
  --select-class org.mlodyssey.djl.checkpoint.ndarray.NDArrayFilesGpuTest \
  --select-class org.mlodyssey.djl.checkpoint.training.GpuResumeTest \
  --select-class org.mlodyssey.djl.checkpoint.training.DataParallelCheckpointsTest \
  --select-class org.mlodyssey.djl.checkpoint.listener.EasyTrainResumeTest \
  ${EXTRA_SELECT:-} --details=tree --disable-banner --disable-ansi-colors --reports-dir "$OUTD/reports"
echo "tests rc=$?"
echo "== the checkpoint and datasets unit suites with the GPU as the default device (S3 and fuzz tests left out)"
FULLCP="$CP$(ls .gpu/testlib/*.jar | tr '\n' ':').gpu/junit-console.jar"
timeout ${FULL_TIMEOUT:-200} $JAVA $JOPTS -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -cp "$FULLCP" \
  org.junit.platform.console.ConsoleLauncher ${FULL_CMD:-execute} --select-package org.mlodyssey.djl.checkpoint --select-package org.mlodyssey.djl.datasets \
  --exclude-classname '.*(S3|Fuzz|Loopback|CheckpointDirectoryTest).*' --details=flat --disable-banner --disable-ansi-colors --reports-dir "$OUTD/full"
echo "full rc=$?"
