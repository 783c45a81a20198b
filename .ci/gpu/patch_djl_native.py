"""Patches DJL's stored native sources so that they build against a current libtorch (2.11).

Each patch names the text it replaces and is skipped where the replacement is already there, so
the script can run twice. Usage: python3 patch_djl_native.py DIR
"""

import pathlib
import sys

PATCHES = [
    # c10/util/variant.h is gone: torch's own variant is std::variant.
    (
        "djl_pytorch_utils.h",
        "#include <c10/util/variant.h>",
        "#include <variant>",
    ),
    ("djl_pytorch_utils.h", "torch::variant<", "std::variant<"),
    # The stored torchCudaEmptyCache lacks the JNI parameters that API_END uses.
    (
        "ai_djl_pytorch_jni_PyTorchLibrary_system.cc",
        "Java_ai_djl_pytorch_jni_PyTorchLibrary_torchCudaEmptyCache(){",
        "Java_ai_djl_pytorch_jni_PyTorchLibrary_torchCudaEmptyCache(JNIEnv* env, jobject jthis) {",
    ),
    # fft_fft2 takes sizes and dimensions, not the Java arrays.
    (
        "ai_djl_pytorch_jni_PyTorchLibrary_torch_other.cc",
        "torch::fft_fft2(*tensor_ptr, js, jdims)",
        "torch::fft_fft2(*tensor_ptr, djl::utils::jni::GetVecFromJLongArray(env, js), "
        "djl::utils::jni::GetVecFromJLongArray(env, jdims))",
    ),
]


def main(directory):
    root = pathlib.Path(directory)
    for name, old, new in PATCHES:
        path = root / name
        text = path.read_text()
        if new in text and old not in text:
            continue
        if old not in text:
            sys.exit(f"{path}: the text to patch is not there: {old!r}")
        path.write_text(text.replace(old, new))


if __name__ == "__main__":
    main(sys.argv[1])
