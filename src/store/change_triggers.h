// Change notifications: what PostgreSQL sends and the triggers that send it.
//
// Every committed INSERT, UPDATE or DELETE of a row that a cached record is
// built from sends NOTIFY mediagate_changes with the payload "user <email>",
// "file <file id>" or "show <slug>" (a feed's show or episode; both the old and the new row's
// key), and TRUNCATE or a key too long for a payload sends "all". PostgreSQL delivers
// notifications at COMMIT, never for a rolled-back transaction. The built-in schema installs
// the triggers in sql/002_change_notify.sql; `mediagate triggers` prints them
// for [notify] user_triggers / file_triggers. Pure; thread-safe.
#ifndef MEDIAGATE_STORE_CHANGE_TRIGGERS_H_
#define MEDIAGATE_STORE_CHANGE_TRIGGERS_H_

#include <string>
#include <string_view>

#include "config/trigger_spec.h"

namespace mediagate {

inline constexpr char kChangeChannel[] = "mediagate_changes";

enum class ChangeKind { kUser, kFile, kShow, kAll };

struct Change {
  ChangeKind kind = ChangeKind::kAll;
  std::string key;  // the email, file id or show slug; empty for kAll
};

// The change a payload announces; anything unrecognised is kAll (when in
// doubt, forget everything rather than keep a revoked record).
Change ParseChangePayload(std::string_view payload);

// CREATE OR REPLACE FUNCTION + CREATE TRIGGER statements that notify
// `kind` ("user", "file" or "show") changes of spec.table, keyed by spec.expression
// evaluated for the row r (OLD and NEW).
std::string ChangeTriggerSql(const char* kind, const TriggerSpec& spec);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_CHANGE_TRIGGERS_H_
