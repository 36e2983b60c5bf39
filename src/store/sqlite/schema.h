// Versioned schema migrations for the SQLite store, applied in order at open.
// Each migration runs in its own transaction and bumps PRAGMA user_version, so
// a data directory is always at a known version; a newer-than-known version is
// refused rather than guessed at.
#pragma once

#include "store/sqlite/db.h"

namespace publius::sqlite {

// Brings the database up to `target_version` (the latest by default). Tests
// use an older target to build a data directory as an earlier release left it.
Status migrate(Db& db, int target_version);
int latest_schema_version();
inline Status migrate(Db& db) { return migrate(db, latest_schema_version()); }

}  // namespace publius::sqlite
