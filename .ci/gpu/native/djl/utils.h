/*
 * Copyright 2020 Amazon.com, Inc. or its affiliates. All Rights Reserved.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"). You may not use this file except in compliance
 * with the License. A copy of the License is located at
 *
 * http://aws.amazon.com/apache2.0/
 *
 * or in the "license" file accompanying this file. This file is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES
 * OR CONDITIONS OF ANY KIND, either express or implied. See the License for the specific language governing permissions
 * and limitations under the License.
 */
// Modified by the djl-odyssey authors (2026) from DJL's api/src/main/native/djl/utils.h: a compact
// version of its JNI array and string helpers, without its allocation limits, for the GPU test run's
// device build only (not part of the project's code).
#ifndef DJL_UTILS_H
#define DJL_UTILS_H
#include <cstdint>
#include <jni.h>
#include <stdexcept>
#include <string>
#include <vector>
namespace djl {
namespace utils {
namespace jni {
static constexpr const jint RELEASE_MODE = JNI_ABORT;
static constexpr const jlong NULL_PTR = 0;
inline bool IsValidPointer(jlong ptr) { return ptr == NULL_PTR || static_cast<uintptr_t>(ptr) >= 0x1000; }
inline void ValidateArraySize(jsize size, const char* context) {
  if (size < 0) throw std::invalid_argument(std::string(context) + ": negative array size");
}
inline std::string GetStringFromJString(JNIEnv* env, jstring jstr) {
  if (jstr == nullptr) return std::string();
  jclass string_class = env->GetObjectClass(jstr);
  jmethodID getbytes = env->GetMethodID(string_class, "getBytes", "(Ljava/lang/String;)[B");
  jstring charset = env->NewStringUTF("UTF-8");
  auto jbytes = (jbyteArray) env->CallObjectMethod(jstr, getbytes, charset);
  env->DeleteLocalRef(charset);
  jsize length = env->GetArrayLength(jbytes);
  jbyte* c_str = env->GetByteArrayElements(jbytes, NULL);
  std::string str(reinterpret_cast<const char*>(c_str), length);
  env->ReleaseByteArrayElements(jbytes, c_str, RELEASE_MODE);
  env->DeleteLocalRef(jbytes);
  return str;
}
template <typename T>
inline std::vector<T> GetObjectVecFromJHandles(JNIEnv* env, jlongArray jhandles) {
  jsize length = env->GetArrayLength(jhandles);
  jlong* jptrs = env->GetLongArrayElements(jhandles, JNI_FALSE);
  std::vector<T> vec;
  vec.reserve(length);
  for (jsize i = 0; i < length; ++i) vec.emplace_back(*reinterpret_cast<T*>(jptrs[i]));
  env->ReleaseLongArrayElements(jhandles, jptrs, RELEASE_MODE);
  return vec;
}
template <typename T1, typename T2>
inline jlongArray GetPtrArrayFromContainer(JNIEnv* env, T1 list) {
  size_t len = list.size();
  jlongArray jarray = env->NewLongArray(static_cast<jsize>(len));
  std::vector<jlong> jptrs(len);
  for (size_t i = 0; i < len; ++i) jptrs[i] = reinterpret_cast<uintptr_t>(new T2(list[i]));
  env->SetLongArrayRegion(jarray, 0, static_cast<jsize>(len), jptrs.data());
  return jarray;
}
inline std::vector<int64_t> GetVecFromJLongArray(JNIEnv* env, jlongArray jarray) {
  jsize length = env->GetArrayLength(jarray);
  jlong* jarr = env->GetLongArrayElements(jarray, JNI_FALSE);
  std::vector<int64_t> vec(jarr, jarr + length);
  env->ReleaseLongArrayElements(jarray, jarr, RELEASE_MODE);
  return vec;
}
inline std::vector<int32_t> GetVecFromJIntArray(JNIEnv* env, jintArray jarray) {
  jsize length = env->GetArrayLength(jarray);
  jint* jarr = env->GetIntArrayElements(jarray, JNI_FALSE);
  std::vector<int32_t> vec(jarr, jarr + length);
  env->ReleaseIntArrayElements(jarray, jarr, RELEASE_MODE);
  return vec;
}
inline std::vector<float> GetVecFromJFloatArray(JNIEnv* env, jfloatArray jarray) {
  jsize length = env->GetArrayLength(jarray);
  jfloat* jarr = env->GetFloatArrayElements(jarray, JNI_FALSE);
  std::vector<float> vec(jarr, jarr + length);
  env->ReleaseFloatArrayElements(jarray, jarr, RELEASE_MODE);
  return vec;
}
inline std::vector<std::string> GetVecFromJStringArray(JNIEnv* env, jobjectArray array) {
  jsize len = env->GetArrayLength(array);
  std::vector<std::string> vec;
  for (jsize i = 0; i < len; ++i) {
    auto jstr = (jstring) env->GetObjectArrayElement(array, i);
    vec.emplace_back(GetStringFromJString(env, jstr));
    env->DeleteLocalRef(jstr);
  }
  return vec;
}
inline jobjectArray GetStringArrayFromVec(JNIEnv* env, const std::vector<std::string>& vec) {
  jclass string_class = env->FindClass("java/lang/String");
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(vec.size()), string_class, nullptr);
  jmethodID ctor = env->GetMethodID(string_class, "<init>", "([BLjava/lang/String;)V");
  jstring charset = env->NewStringUTF("UTF-8");
  for (size_t i = 0; i < vec.size(); ++i) {
    auto jbytes = env->NewByteArray(static_cast<jsize>(vec[i].size()));
    env->SetByteArrayRegion(jbytes, 0, static_cast<jsize>(vec[i].size()), reinterpret_cast<const jbyte*>(vec[i].data()));
    jobject jstr = env->NewObject(string_class, ctor, jbytes, charset);
    env->DeleteLocalRef(jbytes);
    env->SetObjectArrayElement(array, static_cast<jsize>(i), jstr);
    env->DeleteLocalRef(jstr);
  }
  env->DeleteLocalRef(charset);
  return array;
}
inline jintArray GetIntArrayFromVec(JNIEnv* env, const std::vector<int>& vec) {
  jintArray array = env->NewIntArray(static_cast<jsize>(vec.size()));
  env->SetIntArrayRegion(array, 0, static_cast<jsize>(vec.size()), reinterpret_cast<const jint*>(vec.data()));
  return array;
}
inline jlongArray GetLongArrayFromVec(JNIEnv* env, const std::vector<size_t>& vec) {
  jlongArray array = env->NewLongArray(static_cast<jsize>(vec.size()));
  env->SetLongArrayRegion(array, 0, static_cast<jsize>(vec.size()), reinterpret_cast<const jlong*>(vec.data()));
  return array;
}
inline jobjectArray Get2DIntArrayFrom2DVec(JNIEnv* env, const std::vector<std::vector<int>>& vec) {
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(vec.size()), env->FindClass("[I"), nullptr);
  for (size_t i = 0; i < vec.size(); ++i) {
    jintArray inner = GetIntArrayFromVec(env, vec[i]);
    env->SetObjectArrayElement(array, static_cast<jsize>(i), inner);
    env->DeleteLocalRef(inner);
  }
  return array;
}
inline jobjectArray Get2DLongArrayFrom2DVec(JNIEnv* env, const std::vector<std::vector<size_t>>& vec) {
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(vec.size()), env->FindClass("[J"), nullptr);
  for (size_t i = 0; i < vec.size(); ++i) {
    jlongArray inner = GetLongArrayFromVec(env, vec[i]);
    env->SetObjectArrayElement(array, static_cast<jsize>(i), inner);
    env->DeleteLocalRef(inner);
  }
  return array;
}
inline std::vector<std::vector<size_t>> Get2DVecFrom2DLongArray(JNIEnv* env, jobjectArray array) {
  jsize len = env->GetArrayLength(array);
  std::vector<std::vector<size_t>> vec;
  for (jsize i = 0; i < len; ++i) {
    auto long_array = (jlongArray) env->GetObjectArrayElement(array, i);
    jsize inner_len = env->GetArrayLength(long_array);
    jlong* jarr = env->GetLongArrayElements(long_array, JNI_FALSE);
    std::vector<size_t> temp(jarr, jarr + inner_len);
    vec.emplace_back(std::move(temp));
    env->ReleaseLongArrayElements(long_array, jarr, RELEASE_MODE);
    env->DeleteLocalRef(long_array);
  }
  return vec;
}
inline jobjectArray Get2DStringArrayFrom2DVec(JNIEnv* env, const std::vector<std::vector<std::string>>& vec) {
  jobjectArray array = env->NewObjectArray(static_cast<jsize>(vec.size()), env->FindClass("[Ljava/lang/String;"), nullptr);
  for (size_t i = 0; i < vec.size(); ++i) {
    jobjectArray inner = GetStringArrayFromVec(env, vec[i]);
    env->SetObjectArrayElement(array, static_cast<jsize>(i), inner);
    env->DeleteLocalRef(inner);
  }
  return array;
}
}  // namespace jni
}  // namespace utils
}  // namespace djl
#endif
