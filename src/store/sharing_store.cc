// SharingStore: libpqxx; exceptions stop in Transact().
#include "store/sharing_store.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "base/first_line.h"
#include "config/conninfo.h"

namespace mediagate {
namespace {

constexpr auto kReloadInterval = std::chrono::seconds(60);

constexpr char kListColumns[] =
    "SELECT id, user_ref, COALESCE(email, ''), floor(EXTRACT(EPOCH FROM flagged_at))::bigint, "
    "networks, user_agents, action, floor(EXTRACT(EPOCH FROM cleared_at))::bigint "
    "FROM mediagate_sharing_flags ";

SharingFlagRow RowOf(const pqxx::row& r) {
  SharingFlagRow f;
  f.id = r[0].as<int64_t>();
  f.user_ref = r[1].c_str();
  f.email = r[2].c_str();
  f.flagged_at = r[3].as<int64_t>();
  f.networks = r[4].as<int64_t>();
  f.user_agents = r[5].as<int64_t>();
  f.action = r[6].c_str();
  if (!r[7].is_null()) f.cleared_at = r[7].as<int64_t>();
  return f;
}

}  // namespace

SharingStore::SharingStore(const Config& config)
    : database_(config.database), sharing_(config.sharing), refs_(config.token.secret) {}

SharingStore::~SharingStore() = default;

std::string SharingStore::Connect() {
  if (conn_ && conn_->is_open()) return "";
  conn_.reset();
  auto conninfo = BuildConnectionString(database_, PgTarget::kPrimary);
  if (!conninfo.ok()) return conninfo.status().message();
  try {
    conn_ = std::make_unique<pqxx::connection>(*conninfo);
    return "";
  } catch (const std::exception& e) {
    return "cannot connect to PostgreSQL: " + FirstLineOf(e.what());
  }
}

template <typename Body>
Status SharingStore::Transact(const char* what, Body body) {
  if (std::string err = Connect(); !err.empty()) return Status::Unavailable(err);
  try {
    pqxx::work tx(*conn_);
    Status s = body(tx);
    if (s.ok()) tx.commit();
    return s;
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    return Status::Unavailable(std::string(what) +
                               ": connection lost: " + FirstLineOf(e.what()));
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) +
                            " failed (rolled back): " + FirstLineOf(e.what()));
  }
}

std::string SharingStore::Resolve(const std::string& user_ref) {
  auto found = emails_.find(user_ref);
  if (found != emails_.end()) return found->second;
  const auto now = std::chrono::steady_clock::now();
  if (loaded_at_ && now - *loaded_at_ < kReloadInterval) return "";
  std::unordered_map<std::string, std::string> emails;
  const Status s = Transact("sharing.users_query", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec(sharing_.users_query)) {
      if (row.size() == 0 || row[0].is_null()) continue;
      const std::string email = row[0].c_str();
      emails.emplace(refs_.Ref(email), email);
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    spdlog::warn("sharing: cannot resolve {}: {}", user_ref, s.message());
    return "";
  }
  loaded_at_ = now;
  emails_ = std::move(emails);
  found = emails_.find(user_ref);
  return found == emails_.end() ? "" : found->second;
}

Result<FlagOutcome> SharingStore::Flag(const SharingFlag& flag) {
  const std::string email = Resolve(flag.user_ref);
  const std::string action = email.empty() ? "log" : sharing_.action;
  FlagOutcome outcome = FlagOutcome::kRecorded;
  const Status s = Transact("sharing flag", [&](pqxx::work& tx) {
    // One flag at a time per reference, also across ingesters.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", flag.user_ref);
    if (!tx.exec_params("SELECT 1 FROM mediagate_sharing_flags WHERE user_ref = $1 AND "
                        "cleared_at IS NULL LIMIT 1",
                        flag.user_ref)
             .empty()) {
      outcome = FlagOutcome::kAlreadyOpen;
      return Status::Ok();
    }
    tx.exec_params(
        "INSERT INTO mediagate_sharing_flags (user_ref, email, flagged_at, networks, "
        "user_agents, action) VALUES ($1, NULLIF($2, ''), to_timestamp($3::double precision / "
        "1000), $4, "
        "$5, $6)",
        flag.user_ref, email, flag.time_ms, flag.networks, flag.user_agents, action);
    if (action == "rotate") {
      tx.exec_params(sharing_.rotate_query, email);
    } else if (action == "suspend") {
      tx.exec_params(
          "INSERT INTO mediagate_suspensions (email) VALUES ($1) ON CONFLICT (email) DO "
          "NOTHING",
          email);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (outcome == FlagOutcome::kRecorded) {
    spdlog::warn("sharing: flagged {} ({} networks, {} user agents in the window): {}{}",
                 flag.user_ref, flag.networks, flag.user_agents, action,
                 email.empty() ? " (no subscriber has this reference)" : "");
  }
  return outcome;
}

Result<std::vector<SharingFlagRow>> SharingStore::List(bool include_cleared) {
  std::vector<SharingFlagRow> rows;
  const Status s = Transact("sharing list", [&](pqxx::work& tx) {
    const std::string where = include_cleared ? "" : "WHERE cleared_at IS NULL ";
    for (const pqxx::row& r : tx.exec(kListColumns + where + "ORDER BY flagged_at, id")) {
      rows.push_back(RowOf(r));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rows;
}

Status SharingStore::Clear(int64_t id) {
  return Transact("sharing clear", [&](pqxx::work& tx) {
    const pqxx::result r = tx.exec_params(
        "UPDATE mediagate_sharing_flags SET cleared_at = now() WHERE id = $1 AND "
        "cleared_at IS NULL RETURNING email",
        id);
    if (r.empty()) return Status::NotFound("no open flag with id " + std::to_string(id));
    if (!r[0][0].is_null()) {
      tx.exec_params("DELETE FROM mediagate_suspensions WHERE email = $1", r[0][0].c_str());
    }
    return Status::Ok();
  });
}

Status SharingStore::ClearUser(const std::string& email) {
  return Transact("sharing clear", [&](pqxx::work& tx) {
    const pqxx::result flags = tx.exec_params(
        "UPDATE mediagate_sharing_flags SET cleared_at = now() WHERE email = $1 AND "
        "cleared_at IS NULL",
        email);
    const pqxx::result suspensions =
        tx.exec_params("DELETE FROM mediagate_suspensions WHERE email = $1", email);
    if (flags.affected_rows() == 0 && suspensions.affected_rows() == 0) {
      return Status::NotFound("no open flag or suspension for that email");
    }
    return Status::Ok();
  });
}

}  // namespace mediagate
