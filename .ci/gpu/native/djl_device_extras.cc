/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
// Device-build stand-ins for natives that DJL 0.36's Java side declares and the stored (older)
// native sources lack. Written here for the GPU test run only (not part of the project's library).
#include <djl/utils.h>
#include <torch/torch.h>

#include "ai_djl_pytorch_jni_PyTorchLibrary.h"
#include "djl_pytorch_jni_exception.h"
#include "djl_pytorch_utils.h"

using TensorIndexVec = std::vector<torch::indexing::TensorIndex>;
static torch::Tensor* T(jlong h) { return reinterpret_cast<torch::Tensor*>(h); }
static jlong H(const torch::Tensor& t) { return reinterpret_cast<uintptr_t>(new torch::Tensor(t)); }

JNIEXPORT jobject JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDirectByteBuffer(JNIEnv* env, jobject, jlong h) {
  API_BEGIN()
  auto* t = T(h);
  return env->NewDirectByteBuffer(t->data_ptr(), static_cast<jlong>(t->nbytes()));
  API_END_RETURN()
}
JNIEXPORT jboolean JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIsContiguous(JNIEnv* env, jobject, jlong h) {
  API_BEGIN()
  return T(h)->is_contiguous();
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchToContiguous(JNIEnv* env, jobject, jlong h) {
  API_BEGIN()
  return H(T(h)->contiguous());
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvGet(JNIEnv* env, jobject, jlong h, jlong ih) {
  API_BEGIN()
  return H(T(h)->index(*reinterpret_cast<TensorIndexVec*>(ih)));
  API_END_RETURN()
}
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIndexAdvPut(JNIEnv* env, jobject, jlong h, jlong ih, jlong d) {
  API_BEGIN()
  T(h)->index_put_(*reinterpret_cast<TensorIndexVec*>(ih), *T(d));
  API_END()
}
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDeleteIndex(JNIEnv* env, jobject, jlong ih) {
  API_BEGIN()
  delete reinterpret_cast<TensorIndexVec*>(ih);
  API_END()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPut(JNIEnv* env, jobject, jlong h, jlong i, jlong v) {
  API_BEGIN()
  return H(T(h)->put(*T(i), *T(v)));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchScatter(JNIEnv* env, jobject, jlong h, jlong i, jlong v, jint axis) {
  API_BEGIN()
  return H(T(h)->scatter(axis, *T(i), *T(v)));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchPad(JNIEnv* env, jobject, jlong h, jlongArray jshape, jdouble value) {
  API_BEGIN()
  return H(torch::constant_pad_nd(*T(h), djl::utils::jni::GetVecFromJLongArray(env, jshape), value));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchDiagonal(JNIEnv* env, jobject, jlong h, jlong off, jlong a1, jlong a2) {
  API_BEGIN()
  return H(T(h)->diagonal(off, a1, a2));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_conj(JNIEnv* env, jobject, jlong h) {
  API_BEGIN()
  return H(T(h)->conj().resolve_conj());
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchNNNormalize(JNIEnv* env, jobject, jlong h, jdouble p, jlong dim, jdouble eps) {
  API_BEGIN()
  namespace F = torch::nn::functional;
  return H(F::normalize(*T(h), F::NormalizeFuncOptions().p(p).dim(dim).eps(eps)));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft(JNIEnv* env, jobject, jlong h, jlong n, jlong axis) {
  API_BEGIN()
  return H(torch::fft_ifft(*T(h), n, axis));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchRfft(JNIEnv* env, jobject, jlong h, jlong n, jlong axis) {
  API_BEGIN()
  return H(torch::fft_rfft(*T(h), n, axis));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIrfft(JNIEnv* env, jobject, jlong h, jlong n, jlong axis) {
  API_BEGIN()
  return H(torch::fft_irfft(*T(h), n, axis));
  API_END_RETURN()
}
JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchIfft2(JNIEnv* env, jobject, jlong h, jlongArray s, jlongArray d) {
  API_BEGIN()
  return H(torch::fft_ifft2(*T(h), djl::utils::jni::GetVecFromJLongArray(env, s), djl::utils::jni::GetVecFromJLongArray(env, d)));
  API_END_RETURN()
}
JNIEXPORT jlongArray JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchTopK(JNIEnv* env, jobject, jlong h, jlong k, jlong axis, jboolean largest, jboolean sorted) {
  API_BEGIN()
  auto result = T(h)->topk(k, axis, largest, sorted);
  std::vector<torch::Tensor> list{std::get<0>(result), std::get<1>(result)};
  return djl::utils::jni::GetPtrArrayFromContainer<std::vector<torch::Tensor>, torch::Tensor>(env, list);
  API_END_RETURN()
}
