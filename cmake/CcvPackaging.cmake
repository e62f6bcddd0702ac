# Debian packages through CPack (scripts/package.sh): one per install
# component.
#   ccverify         bin/ccverify, docs, man pages, policies, demo, completion
#   ccverify-agent   bin/ccverify-agent, its man page and completion
#   libccverify-dev  include/ccverify, libccverify.a, CMake package, ccverify.pc
# Runtime dependencies come from dpkg-shlibdeps; the static library's from
# the -dev packages of the system libraries it links (docs/api.md).
set(_ccv_deb_components ccverify dev)
if(CCV_BUILD_AGENT)
  list(APPEND _ccv_deb_components agent)
endif()

# Every package carries its copyright and changelog, as Debian policy asks
# (packaging/debian); the changelog gzip-compressed reproducibly.
set(_ccv_deb_changelog ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${_ccv_deb_changelog}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${_ccv_deb_changelog}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)
add_custom_target(ccv_deb_changelog ALL DEPENDS ${_ccv_deb_changelog})
foreach(comp IN LISTS _ccv_deb_components)
  if(comp STREQUAL "ccverify")
    set(pkg ccverify)
  elseif(comp STREQUAL "agent")
    set(pkg ccverify-agent)
  else()
    set(pkg libccverify-dev)
  endif()
  install(FILES packaging/debian/copyright ${_ccv_deb_changelog}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg} COMPONENT ${comp})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ccverify)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the ccverify authors")
set(CPACK_PACKAGE_CONTACT "ccverify maintainers <ccverify@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${_ccv_deb_components})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/ccverify")
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_CCVERIFY_PACKAGE_NAME ccverify)
set(CPACK_DEBIAN_CCVERIFY_PACKAGE_SECTION utils)
# libcurl is loaded at run time by `collateral fetch` (dpkg-shlibdeps does
# not see it); shlibdeps adds the linked libraries.
set(CPACK_DEBIAN_CCVERIFY_PACKAGE_DEPENDS "libcurl4")
set(CPACK_DEBIAN_CCVERIFY_DESCRIPTION
    "offline verifier for TDX and TPM attestation evidence
ccverify checks confidential-computing evidence without a network: a TDX
quote against Intel's collateral, the CCEL, TPM, CEL, dstack and IMA event
logs replayed into the quoted registers, TPM 2.0 quotes, and a YAML policy
of reference values. It writes text, JSON, JUnit, SARIF and Markdown
reports for people and CI jobs.")

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME ccverify-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_AGENT_DESCRIPTION
    "collects TDX and TPM attestation evidence inside a guest
ccverify-agent runs in a confidential guest and writes its evidence (CCEL,
IMA measurement lists, the TPM event log and a TDX quote through
configfs-tsm) into a bundle directory that ccverify verifies offline.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libccverify-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(_ccv_dev_depends "libssl-dev, libyaml-cpp-dev, libre2-dev, libboost-program-options-dev, "
                     "libcurl4")
if(CCV_WITH_IPSEC_MB)
  string(APPEND _ccv_dev_depends ", libipsec-mb-dev")
endif()
string(CONCAT CPACK_DEBIAN_DEV_PACKAGE_DEPENDS ${_ccv_dev_depends})
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "C++ library of the ccverify attestation verifier
libccverify verifies TDX and TPM attestation evidence in-process: an
evidence bundle against a policy, event-log replay and DCAP quote
verification, each returning the same JSON report as the ccverify
command. This package holds the headers, the static library, a CMake
package (find_package(ccverify)) and a pkg-config file.")

include(CPack)
