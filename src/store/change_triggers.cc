// Change payloads and trigger SQL.
#include "store/change_triggers.h"

namespace mediagate {

Change ParseChangePayload(std::string_view payload) {
  for (auto [prefix, kind] : {std::pair{std::string_view("user "), ChangeKind::kUser},
                              std::pair{std::string_view("file "), ChangeKind::kFile},
                              std::pair{std::string_view("show "), ChangeKind::kShow}}) {
    if (payload.size() > prefix.size() && payload.substr(0, prefix.size()) == prefix) {
      return Change{kind, std::string(payload.substr(prefix.size()))};
    }
  }
  return Change{};
}

std::string ChangeTriggerSql(const char* kind, const TriggerSpec& spec) {
  std::string name = spec.table;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  const std::string function = std::string("mediagate_notify_") + kind + "_" + name;
  const std::string trigger = std::string("mediagate_notify_") + kind;
  const std::string notify_key = "    k := (" + spec.expression +
                                 ")::text;\n"
                                 "    IF k IS NOT NULL THEN\n"
                                 "      p := '" +
                                 kind +
                                 " ' || k;\n"
                                 "      PERFORM pg_notify('" +
                                 kChangeChannel +
                                 "', CASE WHEN octet_length(p) < 7900 THEN p ELSE 'all' END);\n"
                                 "    END IF;\n";
  return "CREATE OR REPLACE FUNCTION " + function +
         "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
         "DECLARE\n"
         "  r record;\n"
         "  k text;\n"
         "  p text;\n"
         "BEGIN\n"
         "  IF TG_OP = 'TRUNCATE' THEN\n"
         "    PERFORM pg_notify('" +
         kChangeChannel +
         "', 'all');\n"
         "    RETURN NULL;\n"
         "  END IF;\n"
         "  IF TG_OP <> 'INSERT' THEN\n"
         "    r := OLD;\n" +
         notify_key +
         "  END IF;\n"
         "  IF TG_OP <> 'DELETE' THEN\n"
         "    r := NEW;\n" +
         notify_key +
         "  END IF;\n"
         "  RETURN NULL;\n"
         "END\n"
         "$$;\n"
         "DROP TRIGGER IF EXISTS " +
         trigger + " ON " + spec.table +
         ";\n"
         "CREATE TRIGGER " +
         trigger + " AFTER INSERT OR UPDATE OR DELETE ON " + spec.table +
         "\n  FOR EACH ROW EXECUTE FUNCTION " + function +
         "();\n"
         "DROP TRIGGER IF EXISTS " +
         trigger + "_truncate ON " + spec.table +
         ";\n"
         "CREATE TRIGGER " +
         trigger + "_truncate AFTER TRUNCATE ON " + spec.table +
         "\n  FOR EACH STATEMENT EXECUTE FUNCTION " + function + "();\n";
}

}  // namespace mediagate
