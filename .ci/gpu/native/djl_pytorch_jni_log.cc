/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
// Device-build stand-in, written here, for DJL's Log class (declared in DJL's djl_pytorch_jni_log.h):
// the native log writes to the process's standard streams.
#include "djl_pytorch_jni_log.h"
Log::Log(JNIEnv* env) : env(env), logger(nullptr) {}
void Log::info(const std::string& message) { std::cout << "[djl_torch] " << message << std::endl; }
void Log::debug(const std::string& message) {}
void Log::error(const std::string& message) { std::cerr << "[djl_torch] " << message << std::endl; }
