/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
// Device-build stand-in, written here (DJL's own file is not in the reference store): declares the
// JNI classes cached at load time, under the names DJL's djl_pytorch_jni_exception.h uses.
#ifndef DJL_TORCH_AI_DJL_PYTORCH_JNI_CACHE_H
#define DJL_TORCH_AI_DJL_PYTORCH_JNI_CACHE_H
#include <jni.h>
extern jclass ENGINE_EXCEPTION_CLASS;
extern jclass NULL_PTR_EXCEPTION_CLASS;
extern jclass ILLEGAL_STATE_EXCEPTION_CLASS;
#endif
