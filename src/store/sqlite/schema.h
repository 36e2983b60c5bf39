// Versioned schema migrations for the SQLite store, applied in order at open.
// Each migration runs in its own transaction and bumps PRAGMA user_version, so
// a data directory is always at a known version; a newer-than-known version is
// refused rather than guessed at.
#pragma once

#include "store/sqlite/db.h"

namespace publius::sqlite {

Status migrate(Db& db);
int latest_schema_version();

}  // namespace publius::sqlite
