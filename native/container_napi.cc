#include "container_napi.h"

#include "container_table.h"

namespace saker {

namespace {

std::string optString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

// setContainerInfo(id, info): info null/undefined forgets the container (it was removed).
Napi::Value SetContainerInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "setContainerInfo(id: string, info: object | null)");
  std::string id = info[0].As<Napi::String>().Utf8Value();
  if (info.Length() < 2 || info[1].IsNull() || info[1].IsUndefined()) {
    containerTable().remove(id);
    return env.Undefined();
  }
  if (!info[1].IsObject()) throw Napi::TypeError::New(env, "setContainerInfo: info must be an object or null");
  Napi::Object o = info[1].As<Napi::Object>();
  auto c = std::make_shared<ContainerInfo>();
  c->name = optString(o, "name");
  c->image = optString(o, "image");
  c->imageRepository = optString(o, "imageRepository");
  c->imageTag = optString(o, "imageTag");
  c->imageDigest = optString(o, "imageDigest");
  c->type = optString(o, "type");
  if (o.Get("k8sNsName").IsString()) c->k8sNsName = optString(o, "k8sNsName");
  if (o.Get("k8sPodName").IsString()) c->k8sPodName = optString(o, "k8sPodName");
  Napi::Value priv = o.Get("privileged");
  if (priv.IsBoolean()) {
    c->privilegedKnown = true;
    c->privileged = priv.As<Napi::Boolean>().Value();
  }
  Napi::Value start = o.Get("startTs");
  if (start.IsBigInt()) {
    bool lossless = true;
    c->startTs = start.As<Napi::BigInt>().Uint64Value(&lossless);
    c->hasStartTs = true;
  } else if (start.IsNumber()) {
    c->startTs = uint64_t(start.As<Napi::Number>().DoubleValue());
    c->hasStartTs = true;
  }
  Napi::Value mounts = o.Get("mounts");
  if (mounts.IsArray()) {
    Napi::Array arr = mounts.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); i++) {
      Napi::Value m = arr.Get(i);
      if (!m.IsObject()) continue;
      Napi::Object mo = m.As<Napi::Object>();
      ContainerMount cm;
      cm.source = optString(mo, "source");
      cm.dest = optString(mo, "dest");
      cm.mode = optString(mo, "mode");
      cm.propagation = optString(mo, "propagation");
      Napi::Value rw = mo.Get("rw");
      cm.rw = rw.IsBoolean() && rw.As<Napi::Boolean>().Value();
      c->mounts.push_back(std::move(cm));
    }
  }
  containerTable().set(id, std::move(c));
  return env.Undefined();
}

Napi::Value ContainerInfoCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(containerTable().size()));
}

}  // namespace

void registerContainerExports(Napi::Env env, Napi::Object exports) {
  exports.Set("setContainerInfo", Napi::Function::New(env, SetContainerInfo));
  exports.Set("containerInfoCount", Napi::Function::New(env, ContainerInfoCount));
}

}  // namespace saker
