/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
// Device-build stand-in, written here: caches the exception classes the JNI functions throw.
#include "ai_djl_pytorch_jni_cache.h"
jclass ENGINE_EXCEPTION_CLASS = nullptr;
jclass NULL_PTR_EXCEPTION_CLASS = nullptr;
jclass ILLEGAL_STATE_EXCEPTION_CLASS = nullptr;
static jclass GlobalClass(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  jclass global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}
extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) {
    return JNI_ERR;
  }
  ENGINE_EXCEPTION_CLASS = GlobalClass(env, "ai/djl/engine/EngineException");
  NULL_PTR_EXCEPTION_CLASS = GlobalClass(env, "java/lang/NullPointerException");
  ILLEGAL_STATE_EXCEPTION_CLASS = GlobalClass(env, "java/lang/IllegalStateException");
  return JNI_VERSION_1_8;
}
extern "C" JNIEXPORT void JNICALL JNI_OnUnload(JavaVM* vm, void* reserved) {}
