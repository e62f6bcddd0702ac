# Installs the public C++ library (verifier/api): headers, libccverify.a, the
# CMake package (ccverify::ccverify) and ccverify.pc, as the `dev` component.
# CCV_API_EXTERNAL_LIBS (verifier/api/CMakeLists.txt) are the system libraries
# the archive needs; each becomes a find_dependency() and a pkg-config entry.
include(CMakePackageConfigHelpers)

set(_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/ccverify)
set(_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CCV_FIND_DEPENDENCIES "")
set(CCV_PC_REQUIRES "")
set(CCV_PC_LIBS "")
foreach(lib IN LISTS CCV_API_EXTERNAL_LIBS)
  if(lib MATCHES "^OpenSSL::")
    set(dep "find_dependency(OpenSSL 3.0)")
    set(pc libcrypto)
  elseif(lib STREQUAL "Threads::Threads")
    set(dep "find_dependency(Threads)")
    set(pc "")
    string(APPEND CCV_PC_LIBS " -pthread")
  elseif(lib STREQUAL "CURL::libcurl")
    set(dep "find_dependency(CURL)")
    set(pc libcurl)
  elseif(lib STREQUAL "dl")
    # dlopen, for libcurl loaded at run time (glibc before 2.34).
    set(dep "")
    set(pc "")
    string(APPEND CCV_PC_LIBS " -ldl")
  elseif(lib STREQUAL "Boost::program_options")
    set(dep "find_dependency(Boost COMPONENTS program_options)")
    set(pc "")
    string(APPEND CCV_PC_LIBS " -lboost_program_options")
  elseif(lib MATCHES "^yaml-cpp")
    set(dep "find_dependency(yaml-cpp)")
    set(pc yaml-cpp)
  elseif(lib STREQUAL "PkgConfig::RE2")
    set(dep "find_dependency(PkgConfig)\npkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)")
    set(pc re2)
  elseif(IS_ABSOLUTE "${lib}")
    # A library found by path (libIPSec_MB): linked as found.
    set(dep "")
    set(pc "")
    get_filename_component(name ${lib} NAME_WE)
    string(REGEX REPLACE "^lib" "" name ${name})
    string(APPEND CCV_PC_LIBS " -l${name}")
  else()
    message(FATAL_ERROR "ccverify package: no find_dependency for '${lib}' "
                        "(cmake/CcvInstallLibrary.cmake)")
  endif()
  string(FIND "${CCV_FIND_DEPENDENCIES}" "${dep}" seen)
  if(dep AND seen EQUAL -1)
    string(APPEND CCV_FIND_DEPENDENCIES "${dep}\n")
  endif()
  if(pc AND NOT CCV_PC_REQUIRES MATCHES "(^| )${pc}( |$)")
    string(APPEND CCV_PC_REQUIRES " ${pc}")
  endif()
endforeach()
string(STRIP "${CCV_PC_REQUIRES}" CCV_PC_REQUIRES)
string(STRIP "${CCV_PC_LIBS}" CCV_PC_LIBS)

install(TARGETS ccv_api EXPORT ccverifyTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY include/ccverify DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT ccverifyTargets NAMESPACE ccverify:: DESTINATION ${_cmake_dir} COMPONENT dev)
configure_package_config_file(cmake/ccverifyConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ccverifyConfig.cmake INSTALL_DESTINATION ${_cmake_dir})
# 0.x: a minor release may change the API (docs/api.md, Stability).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ccverifyConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ccverifyConfig.cmake
              ${PROJECT_BINARY_DIR}/ccverifyConfigVersion.cmake
        DESTINATION ${_cmake_dir} COMPONENT dev)

# ccverify.pc finds its prefix from where it is installed (cmake --install
# --prefix may differ from CMAKE_INSTALL_PREFIX).
file(RELATIVE_PATH CCV_PC_PREFIX_FROM_PCDIR /p/${_pc_dir} /p)
configure_file(cmake/ccverify.pc.in ${PROJECT_BINARY_DIR}/ccverify.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ccverify.pc DESTINATION ${_pc_dir} COMPONENT dev)
