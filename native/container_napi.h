// JS surface of the container table: setContainerInfo(id, info | null), containerInfoCount().
#pragma once
#include <napi.h>

namespace saker {

void registerContainerExports(Napi::Env env, Napi::Object exports);

}  // namespace saker
