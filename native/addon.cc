// Node-API surface of the capture module. JS gets a Capture class:
//   new Capture({ eventTypes, cpusPerRing, ringBytes, wakeupBytes, batchEvents, flushMs })
//   prepare()             loads the probe on a thread of its own (start() waits for it)
//   start(onBatch)        onBatch(Uint8Array) receives batch ABI v1 buffers (external memory, no copy)
//   setEventTypes(ids)    run-time change of the captured types (state types always stay)
//   setOpenFilter(f|null) the in-kernel open prefilter (before start, after prepare, while running)
//   stats()               counters and table sizes
//   stop() → Promise      detaches, drains the rings, delivers the last batch, then resolves
// replayCapture(path, onBatch, options) → Promise (capture files, see capture_file.h), and
// containerIdFromCgroup(path) (the cgroup rule, for tests), and trimNativeHeap() (malloc_trim).
#include <malloc.h>
#include <napi.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <thread>

#include "capture.h"
#include "consumer.h"
#include "container_napi.h"
#include "event_ids.h"

namespace {

using saker::Consumer;
using saker::ConsumerOptions;

struct BatchMsg {
  uint8_t* data;
  size_t length;
};

std::set<uint16_t> typeSet(const Napi::Value& v) {
  std::set<uint16_t> out;
  if (!v.IsArray()) return out;
  Napi::Array arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value x = arr.Get(i);
    if (x.IsNumber()) out.insert(uint16_t(x.As<Napi::Number>().Uint32Value()));
  }
  return out;
}

uint32_t optU32(const Napi::Object& o, const char* key, uint32_t def) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Uint32Value() : def;
}

// setOpenFilter's argument: { dropRead, dropWrite, prefixes, exact } or null (nothing dropped).
// Throws a clear Error for an id that is not an open-family type, or a key that is not absolute or
// is longer than SAKER_KEY_MAX bytes.
saker::OpenFilter parseOpenFilter(Napi::Env env, const Napi::Value& v) {
  saker::OpenFilter f;
  if (v.IsNull() || v.IsUndefined()) return f;
  if (!v.IsObject() || v.IsArray()) throw Napi::TypeError::New(env, "setOpenFilter(filter): filter must be an object or null");
  Napi::Object o = v.As<Napi::Object>();
  auto list = [&](const char* name) {
    Napi::Value x = o.Get(name);
    if (x.IsUndefined()) return Napi::Array::New(env);
    if (!x.IsArray()) throw Napi::TypeError::New(env, std::string("setOpenFilter: ") + name + " must be an array");
    return x.As<Napi::Array>();
  };
  for (const char* name : {"dropRead", "dropWrite"}) {
    Napi::Array a = list(name);
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Value x = a.Get(i);
      double id = x.IsNumber() ? x.As<Napi::Number>().DoubleValue() : -1;
      if (id != SAKER_EVT_OPEN && id != SAKER_EVT_OPENAT && id != SAKER_EVT_OPENAT2 && id != SAKER_EVT_CREAT)
        throw Napi::Error::New(env, std::string("setOpenFilter: ") + name + "[" + std::to_string(i) + "] = " +
                                        x.ToString().Utf8Value() + " is not an open-family event type id (open, openat, openat2, creat)");
      (name[4] == 'R' ? f.dropRead : f.dropWrite).insert(uint16_t(id));
    }
  }
  for (const char* name : {"prefixes", "exact"}) {
    Napi::Array a = list(name);
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Value x = a.Get(i);
      std::string where = std::string("setOpenFilter: ") + name + "[" + std::to_string(i) + "]";
      if (!x.IsString()) throw Napi::TypeError::New(env, where + " must be a string");
      std::string key = x.As<Napi::String>().Utf8Value();
      if (key.empty() || key[0] != '/') throw Napi::Error::New(env, where + " \"" + key + "\" is not an absolute path");
      if (key.size() > SAKER_KEY_MAX)
        throw Napi::Error::New(env, where + " is " + std::to_string(key.size()) + " bytes, longer than " + std::to_string(SAKER_KEY_MAX));
      (name[0] == 'p' ? f.prefixes : f.exact).push_back(key);
    }
  }
  if (f.prefixes.size() + f.exact.size() > saker::kOpenFilterMaxKeys)
    throw Napi::Error::New(env, "setOpenFilter: more than " + std::to_string(saker::kOpenFilterMaxKeys) + " keys");
  return f;
}

class Capture : public Napi::ObjectWrap<Capture> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Capture",
                       {InstanceMethod("prepare", &Capture::Prepare), InstanceMethod("start", &Capture::Start),
                        InstanceMethod("stop", &Capture::Stop),
                        InstanceMethod("setEventTypes", &Capture::SetEventTypes),
                        InstanceMethod("setOpenFilter", &Capture::SetOpenFilter),
                        InstanceMethod("stats", &Capture::Stats)});
  }

  explicit Capture(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Capture>(info) {
    Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(info.Env());
    opts_.types = typeSet(o.Get("eventTypes"));
    opts_.probe.cpusPerRing = optU32(o, "cpusPerRing", 2);
    opts_.probe.ringBytes = optU32(o, "ringBytes", 8u << 20);
    opts_.probe.wakeupBytes = optU32(o, "wakeupBytes", 256u << 10);
    opts_.batchEvents = optU32(o, "batchEvents", 4096);
    opts_.flushMs = optU32(o, "flushMs", 20);
    opts_.probe.selfTgid = uint32_t(getpid());
    Napi::Value file = o.Get("captureFile");
    if (file.IsString()) opts_.captureFile = file.As<Napi::String>().Utf8Value();
  }

  ~Capture() override { joinPrepared(); }

 private:
  // The probe's load (BPF verification: most of start()'s 0.4 s) on a thread of its own, so the
  // daemon loads its rules meanwhile. Nothing is attached before start().
  Napi::Value Prepare(const Napi::CallbackInfo& info) {
    if (consumer_ || prepared_) throw Napi::Error::New(info.Env(), "capture already prepared or started");
    prepared_ = std::make_unique<Consumer>(opts_);
    Consumer* c = prepared_.get();
    prepThread_ = std::thread([this, c]() {
      try {
        c->prepare();
      } catch (const std::exception& e) {
        prepError_ = e.what();
      }
    });
    return info.Env().Undefined();
  }

  void joinPrepared() {
    if (prepThread_.joinable()) prepThread_.join();
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (consumer_) throw Napi::Error::New(env, "capture already started");
    if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(env, "start(onBatch): onBatch must be a function");
    std::unique_ptr<Consumer> consumer;
    try {
      if (prepared_) {
        joinPrepared();
        consumer = std::move(prepared_);
        if (!prepError_.empty()) throw std::runtime_error(prepError_);
        consumer->setOptionsTypes(opts_.types);  // set since prepare()
        consumer->setOptionsFilter(opts_.openFilter);
      } else {
        consumer = std::make_unique<Consumer>(opts_);
      }
      consumer->open();
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, std::string("capture: ") + e.what());
    }
    consumer_ = std::move(consumer);
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "saker-capture", 16, 1, this,
                                          [](Napi::Env env, Capture* self) { self->Finished(env); });
    Ref();  // the object stays alive while its thread runs
    Consumer* c = consumer_.get();
    Napi::ThreadSafeFunction tsfn = tsfn_;
    thread_ = std::thread([c, tsfn]() mutable {
      c->run([&tsfn](uint8_t* data, size_t length) {
        auto* msg = new BatchMsg{data, length};
        napi_status st = tsfn.BlockingCall(msg, [](Napi::Env env, Napi::Function cb, BatchMsg* m) {
          if (env == nullptr) {  // the function is being torn down
            free(m->data);
            delete m;
            return;
          }
          Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, m->data, m->length, [](Napi::Env, void* d) { free(d); });
          size_t len = m->length;
          delete m;
          // A throwing handler must not unwind through the addon: hand the error to Node
          // (an uncaught exception there, as for any callback).
          try {
            cb.Call({Napi::Uint8Array::New(env, len, ab, 0)});
          } catch (const Napi::Error& e) {
            e.ThrowAsJavaScriptException();
          }
        });
        if (st != napi_ok) {
          free(data);
          delete msg;
        }
      });
      tsfn.Release();  // queued batches are still delivered before the finalizer runs
    });
    running_ = true;
    return env.Undefined();
  }

  void Finished(Napi::Env env) {
    if (thread_.joinable()) thread_.join();
    running_ = false;
    for (auto& d : stopWaiters_) d.Resolve(env.Undefined());
    stopWaiters_.clear();
    Unref();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto deferred = Napi::Promise::Deferred::New(env);
    if (!running_) {
      // prepared and never started: the probe is closed with its consumer
      joinPrepared();
      prepared_.reset();
      deferred.Resolve(env.Undefined());
      return deferred.Promise();
    }
    stopWaiters_.push_back(deferred);
    consumer_->requestStop();
    return deferred.Promise();
  }

  Napi::Value SetEventTypes(const Napi::CallbackInfo& info) {
    opts_.types = typeSet(info[0]);
    if (consumer_ && running_) {
      try {
        consumer_->setTypes(opts_.types);
      } catch (const std::exception& e) {
        throw Napi::Error::New(info.Env(), std::string("capture: ") + e.what());
      }
    }
    return info.Env().Undefined();
  }

  Napi::Value SetOpenFilter(const Napi::CallbackInfo& info) {
    saker::OpenFilter f = parseOpenFilter(info.Env(), info.Length() > 0 ? info[0] : info.Env().Undefined());
    if (consumer_ && running_) {
      try {
        consumer_->setOpenFilter(f);
      } catch (const std::exception& e) {
        throw Napi::Error::New(info.Env(), std::string("capture: ") + e.what());
      }
    }
    opts_.openFilter = std::move(f);
    return info.Env().Undefined();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    auto num = [&](const char* k, uint64_t v) { o.Set(k, Napi::Number::New(env, double(v))); };
    if (consumer_) {
      saker::ProbeCounters k = consumer_->kernelCounters();
      num("kernelEvents", k.events);
      num("dropsRingFull", k.dropsFull);
      num("dropsRead", k.dropsRead);
      num("filteredOpens", k.filteredOpens);
      num("filteredCloses", k.filteredCloses);
      num("records", consumer_->stats.records);
      num("events", consumer_->stats.events);
      num("batches", consumer_->stats.batches);
      num("threads", consumer_->stats.threads);
      num("fds", consumer_->stats.fds);
      num("unknownRecords", consumer_->stats.unknownRecords);
      num("procScans", consumer_->stats.procScans);
      num("lateOpens", consumer_->stats.lateOpens);
    }
    o.Set("running", Napi::Boolean::New(env, running_));
    return o;
  }

  ConsumerOptions opts_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Consumer> prepared_;  // prepare() to start()
  std::thread prepThread_;
  std::string prepError_;
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  bool running_ = false;
  std::vector<Napi::Promise::Deferred> stopWaiters_;
};

// replayCapture(path, onBatch, { batchEvents }) → Promise: feeds a capture file through the same
// decode/state/batch code on a worker thread; rejects with the reader's error (byte offset included).
struct ReplayJob {
  std::unique_ptr<Consumer> consumer;
  std::thread thread;
  Napi::Promise::Deferred deferred;
  std::string error;
  std::string path;
  explicit ReplayJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

Napi::Value ReplayCapture(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsFunction())
    throw Napi::TypeError::New(env, "replayCapture(path: string, onBatch: function, options?)");
  ConsumerOptions opts;
  if (info.Length() > 2 && info[2].IsObject()) opts.batchEvents = optU32(info[2].As<Napi::Object>(), "batchEvents", 4096);
  auto* job = new ReplayJob(env);
  job->path = info[0].As<Napi::String>().Utf8Value();
  job->consumer = std::make_unique<Consumer>(opts);
  Napi::Promise promise = job->deferred.Promise();
  auto tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "saker-replay", 16, 1, job,
                                            [](Napi::Env env, ReplayJob* j) {
                                              if (j->thread.joinable()) j->thread.join();
                                              if (j->error.empty()) j->deferred.Resolve(env.Undefined());
                                              else j->deferred.Reject(Napi::Error::New(env, j->error).Value());
                                              delete j;
                                            });
  job->thread = std::thread([job, tsfn]() mutable {
    try {
      job->consumer->replay(job->path, [&tsfn](uint8_t* data, size_t length) {
        auto* msg = new BatchMsg{data, length};
        napi_status st = tsfn.BlockingCall(msg, [](Napi::Env env, Napi::Function cb, BatchMsg* m) {
          if (env == nullptr) {
            free(m->data);
            delete m;
            return;
          }
          Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, m->data, m->length, [](Napi::Env, void* d) { free(d); });
          size_t len = m->length;
          delete m;
          try {
            cb.Call({Napi::Uint8Array::New(env, len, ab, 0)});
          } catch (const Napi::Error& e) {
            e.ThrowAsJavaScriptException();
          }
        });
        if (st != napi_ok) {
          free(data);
          delete msg;
        }
      });
    } catch (const std::exception& e) {
      job->error = e.what();
    }
    tsfn.Release();
  });
  return promise;
}

// Exposed for tests: the cgroup → container.id rule the consumer applies.
Napi::Value ContainerIdFromCgroup(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "containerIdFromCgroup(path: string)");
  return Napi::String::New(info.Env(), saker::containerIdFromCgroup(info[0].As<Napi::String>().Utf8Value()));
}

// Hands the C library's free pages back to the kernel, in every arena (not only the top of the
// main heap, which free() already trims). The daemon calls it after start, after each hot reload
// and periodically (host/daemon/memory-release.ts). True when memory was released.
Napi::Value TrimNativeHeap(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Capture", Capture::Define(env));
  exports.Set("containerIdFromCgroup", Napi::Function::New(env, ContainerIdFromCgroup));
  exports.Set("replayCapture", Napi::Function::New(env, ReplayCapture));
  exports.Set("trimNativeHeap", Napi::Function::New(env, TrimNativeHeap));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  saker::registerContainerExports(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(saker_capture, Init)
