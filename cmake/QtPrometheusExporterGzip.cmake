# Which library compresses scrape bodies: libdeflate when found (1.8x zlib's
# speed at level 1, output 5 % smaller: bench/README.md), zlib otherwise. zlib is
# always needed anyway: prometheus-cpp's package requires it.
option(QTPROMETHEUSEXPORTER_WITH_LIBDEFLATE
    "gzip scrape bodies with libdeflate when it is found (else zlib)" ON)

find_package(ZLIB REQUIRED)
set(QTPROMETHEUSEXPORTER_GZIP_BACKEND zlib)
if(QTPROMETHEUSEXPORTER_WITH_LIBDEFLATE)
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
        # Debian's libdeflate 1.14 ships only a pkg-config file (CMake files came in 1.15).
        pkg_check_modules(QtPrometheusExporterLibdeflate QUIET IMPORTED_TARGET libdeflate)
    endif()
    if(TARGET PkgConfig::QtPrometheusExporterLibdeflate)
        set(QTPROMETHEUSEXPORTER_GZIP_BACKEND libdeflate)
    endif()
endif()
message(STATUS "QtPrometheusExporter: gzip with ${QTPROMETHEUSEXPORTER_GZIP_BACKEND}")

# Links target, which compiles src/compression.cpp, to the chosen library.
function(qtprometheusexporter_link_gzip target)
    if(QTPROMETHEUSEXPORTER_GZIP_BACKEND STREQUAL "libdeflate")
        target_link_libraries(${target} PRIVATE PkgConfig::QtPrometheusExporterLibdeflate)
        target_compile_definitions(${target} PRIVATE QTPROMETHEUSEXPORTER_HAVE_LIBDEFLATE)
    else()
        target_link_libraries(${target} PRIVATE ZLIB::ZLIB)
    endif()
endfunction()
