# cmake -DNM=nm -DBINARY=.../pooldesk -P ConsoleWithoutService.cmake
# The console must not carry the pool service's HTTP server: it would not build where the service
# does not, and it has no use for it.
execute_process(COMMAND ${NM} -C --defined-only ${BINARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "nm failed on ${BINARY}")
endif()
if(NOT symbols MATCHES "PoolDesk::Ui::MainWindow")
  message(FATAL_ERROR "${BINARY} has no symbols to check (stripped?)")
endif()
string(REGEX MATCHALL "PoolDesk::(HttpFrontend|PoolService|ServiceApi|ApiExecutor|RecordingRelay|NativeSocket)::[A-Za-z_]+"
       service ${symbols})
if(service)
  list(REMOVE_DUPLICATES service)
  list(JOIN service "\n  " shown)
  message(FATAL_ERROR "The console links service code:\n  ${shown}")
endif()
