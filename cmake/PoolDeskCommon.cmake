# One INTERFACE target carries the settings every PoolDesk target shares.
add_library(pooldesk_common INTERFACE)
target_compile_features(pooldesk_common INTERFACE cxx_std_20)
target_compile_definitions(pooldesk_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_USE_QSTRINGBUILDER
  QT_DISABLE_DEPRECATED_BEFORE=0x060400)
if(MSVC)
  target_compile_options(pooldesk_common INTERFACE /W4 /permissive- /utf-8)
  if(POOLDESK_WERROR)
    target_compile_options(pooldesk_common INTERFACE /WX)
  endif()
else()
  target_compile_options(pooldesk_common INTERFACE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
  if(POOLDESK_WERROR)
    target_compile_options(pooldesk_common INTERFACE -Werror)
  endif()
  # The hardening Debian's packages have (lintian checks it): checked buffer functions where the
  # optimiser can see sizes, and a read-only relocation table resolved at start-up. Ubuntu's
  # compiler defines _FORTIFY_SOURCE itself, hence the -U first.
  target_compile_options(pooldesk_common INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
  if(NOT APPLE)
    target_link_options(pooldesk_common INTERFACE -Wl,-z,relro -Wl,-z,now)
  endif()
endif()

# pooldesk_add_test(NAME SOURCES... LIBS ... [LABELS ...] [ENVIRONMENT ...] [FIXTURES ...])
# One Qt Test executable per class, offscreen by default.
function(pooldesk_add_test name)
  # WRAPPER: a script the test runs inside (tests/credentials/run-with-keyring.sh for a keychain).
  cmake_parse_arguments(T "" "TIMEOUT;WRAPPER" "SOURCES;LIBS;LABELS;ENVIRONMENT;FIXTURES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE pooldesk_common Qt6::Test ${T_LIBS})
  if(T_WRAPPER)
    add_test(NAME ${name} COMMAND ${T_WRAPPER} $<TARGET_FILE:${name}>)
  else()
    add_test(NAME ${name} COMMAND ${name})
  endif()
  set(env QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8 TZ=UTC ${T_ENVIRONMENT})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}")
  if(T_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
  else()
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
  endif()
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
  endif()
endfunction()
