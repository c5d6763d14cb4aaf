{
  "targets": [
    {
      "target_name": "saker_capture",
      "sources": ["addon.cc", "consumer.cc", "probe.cc", "state.cc", "batch_writer.cc", "capture_file.cc", "container_table.cc", "container_napi.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "build/gen", "."],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wno-missing-field-initializers"],
      "libraries": ["-lbpf", "-lelf", "-lz", "-lpthread"]
    }
  ]
}
