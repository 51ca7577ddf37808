# cmake -DSOURCE_DIR=... -P PosixHeaders.cmake
# Fails when a POSIX-only header is included outside the files allowed to, or when an allowed file
# includes one without a Windows branch beside it (Q_OS_WIN). Tests and benchmarks that speak raw
# sockets or read resource usage are built on Unix only (see their CMakeLists.txt).
set(allowed
  app/pooldeskctl/TerminalEcho.cpp
  app/service/SignalWatcher.cpp
  models/domain/OsAccount.cpp
  models/service/NativeSocket.cpp)
set(unix_only
  tests/service/tst_httpframing.cpp
  bench/twilio_sync/main.cpp)
set(posix_headers
  "unistd\\.h" "termios\\.h" "fcntl\\.h" "pwd\\.h" "grp\\.h" "poll\\.h" "dlfcn\\.h" "pthread\\.h"
  "dirent\\.h" "netdb\\.h" "syslog\\.h" "sys/[a-z_]+\\.h" "netinet/[a-z_]+\\.h" "arpa/[a-z_]+\\.h")
list(JOIN posix_headers "|" alternatives)
set(pattern "#[ \t]*include[ \t]*<(${alternatives})>")

file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR}
     ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h ${SOURCE_DIR}/ui/*.cpp ${SOURCE_DIR}/ui/*.h
     ${SOURCE_DIR}/models/*.cpp ${SOURCE_DIR}/models/*.h ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h
     ${SOURCE_DIR}/bench/*.cpp ${SOURCE_DIR}/bench/*.h ${SOURCE_DIR}/translations/*.cpp)
set(problems "")
set(checked 0)
foreach(source ${sources})
  file(STRINGS ${SOURCE_DIR}/${source} includes REGEX "${pattern}")
  if(NOT includes)
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  list(FIND allowed ${source} is_allowed)
  list(FIND unix_only ${source} is_unix_only)
  if(is_allowed GREATER -1)
    file(STRINGS ${SOURCE_DIR}/${source} windows REGEX "Q_OS_WIN")
    if(NOT windows)
      string(APPEND problems "  ${source}: POSIX headers without a Windows implementation (#ifdef Q_OS_WIN)\n")
    endif()
  elseif(is_unix_only EQUAL -1)
    list(JOIN includes "; " shown)
    string(APPEND problems "  ${source}: ${shown}\n")
  endif()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "No file includes a POSIX header: the pattern no longer matches anything.")
endif()
if(problems)
  message(FATAL_ERROR "POSIX-only headers outside the files allowed to include them (use Qt's API, or "
                      "add a Q_OS_WIN implementation in one of: ${allowed}):\n${problems}")
endif()
message(STATUS "${checked} files include POSIX headers, all allowed")
