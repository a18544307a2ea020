# install.cmake - what `cmake --install` (and `make install`) puts where:
#   include/dpamt/*.h (+ generated version.h), lib/libdpamt{,-tdxmod}
#   (.a, .so.X.Y.Z, SONAME .so.X), lib/pkgconfig/*.pc,
#   lib/cmake/dpamt/ (find_package), bin/dpamt, share/man/man1/dpamt.1,
#   share/bash-completion/completions/dpamt.
include(CMakePackageConfigHelpers)
set(DPAMT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dpamt)

file(GLOB dpamt_public_headers CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/include/dpamt/*.h)
install(FILES ${dpamt_public_headers} ${DPAMT_GEN_INCLUDE}/dpamt/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dpamt)

install(TARGETS dpamt_host dpamt_host_shared dpamt_tdxmod
                dpamt_tdxmod_shared
        EXPORT dpamtTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT dpamtTargets NAMESPACE dpamt:: DESTINATION ${DPAMT_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dpamtConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/dpamtConfig.cmake
  INSTALL_DESTINATION ${DPAMT_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/dpamtConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/dpamtConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/dpamtConfigVersion.cmake
        DESTINATION ${DPAMT_CMAKE_DIR})

# pkg-config: prefix relative to the .pc file, so a moved tree still works.
file(RELATIVE_PATH DPAMT_PC_REL_PREFIX
     /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" DPAMT_PC_REL_PREFIX "${DPAMT_PC_REL_PREFIX}")
foreach(pc dpamt dpamt-tdxmod)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in
                 ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

if(DPAMT_BUILD_CLI)
  install(TARGETS dpamt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # The man page gets the version in its .TH header (4th field).
  set(man_src ${PROJECT_SOURCE_DIR}/docs/dpamt.1)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${man_src})
  file(READ ${man_src} man_text)
  string(REGEX REPLACE "\n\\.TH DPAMT 1 \"([^\"]*)\" \"[^\"]*\""
         "\n.TH DPAMT 1 \"\\1\" \"dpamt ${PROJECT_VERSION}\"" man_text
         "${man_text}")
  file(WRITE ${PROJECT_BINARY_DIR}/man/dpamt.1 "${man_text}")
  install(FILES ${PROJECT_BINARY_DIR}/man/dpamt.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/dpamt.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME dpamt)
endif()
