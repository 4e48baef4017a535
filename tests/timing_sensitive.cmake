# Read by CTest after the discovered doctest cases: tests that assert a bound
# in wall time run alone, so another test's CPU use on a 2-core machine cannot
# push them past a bound that holds on an idle one.
set_tests_properties(
  "a cancelled script leaves no descendant within kill_grace + 200 ms"
  "a consumer restarted after SIGKILL kills the process groups its predecessor left"
  PROPERTIES RUN_SERIAL TRUE)
