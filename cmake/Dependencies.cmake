# Every dependency comes from a Debian 12 package (see scripts/install-deps)
# and is used through an imported target.
find_package(Boost 1.74 REQUIRED)                     # Date_Time (header-only parts)
find_package(pugixml REQUIRED CONFIG)                 # libpugixml-dev
find_package(nlohmann_json 3.10 REQUIRED CONFIG)      # nlohmann-json3-dev
find_package(CLI11 REQUIRED CONFIG)                   # libcli11-dev
find_package(OpenSSL REQUIRED)                        # libssl-dev (SHA-256 for manifests)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)   # libre2-dev
# libpodofo-dev installs its .pc under /usr/lib/pkgconfig, not the multiarch dir.
set(ENV{PKG_CONFIG_PATH} "$ENV{PKG_CONFIG_PATH}:/usr/lib/pkgconfig")
pkg_check_modules(PODOFO REQUIRED IMPORTED_TARGET libpodofo)  # PoDoFo 0.9.8
pkg_check_modules(DEFLATE REQUIRED IMPORTED_TARGET libdeflate)  # libdeflate-dev
# The declass program's allocator. A release run allocates and frees small
# objects by the million (PoDoFo's objects, per-line strings): glibc's malloc
# took ~8% of its instructions. mimalloc (libmimalloc-dev) is as fast as
# tcmalloc (libgoogle-perftools-dev) there and, unlike it, sets up lazily:
# tcmalloc's start-up costs ~960 page faults, ~18 ms of every run on our VM.
# "system" with the sanitizers, which bring their own allocator.
if(DECLASS_MALLOC STREQUAL "mimalloc")
  find_package(mimalloc 2.0 REQUIRED CONFIG)
elseif(DECLASS_MALLOC STREQUAL "tcmalloc")
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
elseif(NOT DECLASS_MALLOC STREQUAL "system")
  message(FATAL_ERROR "DECLASS_MALLOC must be mimalloc, tcmalloc or system, not ${DECLASS_MALLOC}")
endif()
if(DECLASS_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)                 # libgtest-dev
endif()
if(DECLASS_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)             # libbenchmark-dev
endif()

# pkg-config targets put their include dirs on -I; make them -isystem so that
# PoDoFo's and RE2's own warnings stay out of our -Werror builds.
foreach(tgt PkgConfig::RE2 PkgConfig::PODOFO)
  get_target_property(_inc ${tgt} INTERFACE_INCLUDE_DIRECTORIES)
  if(_inc)
    set_target_properties(${tgt} PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${_inc}")
  endif()
endforeach()
