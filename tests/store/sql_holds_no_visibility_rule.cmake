# The store holds data, not rules: no statement in FILES compares a post's visibility
# with a code written into the SQL. Which visibilities to read is the domain's choice,
# passed in as values (store::AccountStatusesQuery, Store::account_records...).
# Run as: cmake -DFILES="a.cc;b.cc" -P sql_holds_no_visibility_rule.cmake
foreach(file IN LISTS FILES)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "${file} does not exist")
  endif()
  file(STRINGS "${file}" lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(line MATCHES "visibility[ \"]*(=|<>|!=|<=|>=|<|>|IN *\\()[ \"]*[0-9]")
      message(SEND_ERROR "${file}:${number}: a visibility rule in SQL: ${line}")
    endif()
  endforeach()
endforeach()
