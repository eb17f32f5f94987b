# Writes OUT (version.h) from SRC/app/version.h.in with the current git commit. Run at every build
# (target dermis_version in CMakeLists.txt), not only at configure time, so that a rebuild after
# `git pull` or a commit records the right commit in `dermis --version` and in every output's
# provenance. configure_file rewrites OUT only when its text changes, so an unchanged commit
# recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE DERMIS_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT DERMIS_GIT_COMMIT)
  set(DERMIS_GIT_COMMIT "unknown")
endif()
configure_file(${SRC}/app/version.h.in ${OUT} @ONLY)
