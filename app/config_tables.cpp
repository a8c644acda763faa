// Loading [tables.*] from tillpipe.toml: table keys, columns with their
// types, defaults and SQL (where, expr, bound against the columns once the
// whole file is read). Part of the Loader in app/config_loader.h.
#include <nlohmann/json.hpp>

#include "app/config_loader.h"
#include "app/config_schema.h"
#include "app/config_suggest.h"
#include "app/transform.h"

namespace tp::app::config_internal {

void Loader::LoadTables(const toml::node& n) {
  const toml::table* tables = ExpectTable(n, "tables", "[tables.orders]");
  if (!tables) return;
  for (auto [key, value] : InFileOrder(*tables)) LoadTable(*key, *value);
}

void Loader::LoadTable(const toml::key& key, const toml::node& n) {
  const std::string name(key.str());
  const std::string path = "tables." + name;
  bool ok = true;
  if (!name.empty() && name.front() == '_') {
    Error(PosOf(key.source()), path + ": table names starting with \"_\" are reserved for " +
                                   "tillpipe's own tables (like _rejected); choose a name "
                                   "that starts with a letter");
    ok = false;
  } else if (!ValidName(name, false)) {
    std::string hint = SanitizedName(name);
    Error(PosOf(key.source()),
          path + ": " + Quote(name) +
              " is not a valid table name; use lowercase letters, digits and _, start with a "
              "letter, at most 64 bytes" +
              (hint.empty() || hint == name ? "" : " (e.g. " + Quote(hint) + ")"));
    ok = false;
  }
  const toml::table* t = ExpectTable(n, path, "[" + path + "]");
  if (!t) return;

  TableSpec spec;
  spec.name = name;
  std::vector<std::string> column_names;  // every written name, even ones with bad types
  std::vector<bool> column_typed;         // their types parsed (index in column_names)
  const toml::node* time_node = nullptr;
  const toml::node* on_filter_node = nullptr;
  bool has_columns_key = false;
  std::vector<std::string> misspelt;
  for (auto [k, v] : InFileOrder(*t)) {
    if (k->str() == "time") {
      time_node = v;
    } else if (k->str() == "on_new_fields") {
      const std::string* mode = ExpectString(*v, path + ".on_new_fields", "\"add_columns\"");
      if (!mode) {
        ok = false;
      } else if (*mode == "add_columns") {
        spec.on_new_fields = OnNewFields::kAddColumns;
      } else if (*mode == "ignore") {
        spec.on_new_fields = OnNewFields::kIgnore;
      } else if (*mode == "reject") {
        spec.on_new_fields = OnNewFields::kReject;
      } else {
        Error(*v, path + ".on_new_fields: " + Quote(*mode) + " is not a mode" +
                      DidYouMean(*mode, kOnNewFields) +
                      " (add_columns: new JSON fields become new nullable columns; ignore: "
                      "they are dropped; reject: such records go to _rejected)");
        ok = false;
      }
    } else if (k->str() == "where") {
      const std::string* where = LoadSql(*v, path + ".where", "\"total >= 0\"");
      if (where) spec.where = *where;
      ok = ok && where;
    } else if (k->str() == "on_filter") {
      const std::string* mode = ExpectString(*v, path + ".on_filter", "\"drop\"");
      if (!mode) {
        ok = false;
      } else if (*mode == "drop" || *mode == "reject") {
        on_filter_node = v;
        spec.on_filter = *mode == "drop" ? OnFilter::kDrop : OnFilter::kReject;
      } else {
        Error(*v, path + ".on_filter: " + Quote(*mode) + " is not a mode" +
                      DidYouMean(*mode, kOnFilter) +
                      " (drop: rows where rejects are counted and not kept; reject: they go "
                      "to _rejected)");
        ok = false;
      }
    } else if (k->str() == "retention") {
      LoadSeconds(*v, path + ".retention", std::chrono::seconds(0), std::chrono::seconds::max(),
                  "0 (keep forever) or a duration of whole days like \"400d\"",
                  spec.retention);
      if (spec.retention.count() % 86400 != 0) {
        Error(*v, path + ".retention: drops whole days, so use days or weeks, like \"90d\"");
        ok = false;
      }
    } else if (k->str() == "columns") {
      has_columns_key = true;
      const toml::table* cols = ExpectTable(*v, path + ".columns", "[" + path + ".columns]");
      if (!cols) {
        ok = false;
        continue;
      }
      for (auto [ck, cv] : InFileOrder(*cols)) {
        std::optional<ColumnSpec> col = LoadColumn(path + ".columns", *ck, *cv);
        column_names.emplace_back(ck->str());
        column_typed.push_back(col.has_value());
        if (col) {
          spec.columns.push_back(std::move(*col));
        } else {
          ok = false;
        }
      }
      if (cols->empty()) {
        Error(*v, path +
                      ".columns: a table needs at least one column; add lines like "
                      "order_id = \"string\"");
        ok = false;
      }
    } else {
      // A misspelt "time" or "columns" is reported once, not also as missing.
      misspelt.push_back(UnknownKey(*k, "in [" + path + "]", kTableKeys));
      ok = false;
    }
  }
  auto was_misspelt = [&](const char* key) {
    return std::find(misspelt.begin(), misspelt.end(), key) != misspelt.end();
  };
  if (on_filter_node && !t->contains("where") && !was_misspelt("where")) {
    Error(*on_filter_node, path + ".on_filter: has nothing to act on; set where = \"...\" in [" +
                               path + "] to the condition rows must meet");
    ok = false;
  }
  if (!has_columns_key && !was_misspelt("columns")) {
    Error(*t, path + ": has no columns; add a [" + path +
                  ".columns] section with lines like order_id = \"string\"");
    ok = false;
  }

  // The time column: required, names a timestamp or date column.
  std::vector<std::string> time_candidates;
  for (const ColumnSpec& c : spec.columns) {
    if (c.kind == TypeKind::kTimestamp || c.kind == TypeKind::kDate) {
      time_candidates.push_back(c.name);
    }
  }
  if (!time_node) {
    ok = false;
    if (!was_misspelt("time")) {
      std::string example = time_candidates.empty() ? "purchased_at" : time_candidates.front();
      Error(*t, path +
                    ": missing key \"time\"; set it to the table's timestamp or date "
                    "column, like time = " +
                    Quote(example));
    }
  } else if (const std::string* tc =
                 ExpectString(*time_node, path + ".time", "\"purchased_at\"")) {
    auto it = std::find(column_names.begin(), column_names.end(), *tc);
    if (it == column_names.end()) {
      if (!column_names.empty()) {
        Error(*time_node, path + ".time: " + Quote(*tc) + " is not a column of " + name +
                              DidYouMean(*tc, column_names) +
                              " (columns are: " + JoinList(column_names) + ")");
      }  // else: the missing columns were reported above
      ok = false;
    } else if (column_typed[static_cast<size_t>(it - column_names.begin())]) {
      const ColumnSpec* c = nullptr;
      for (const ColumnSpec& col : spec.columns) {
        if (col.name == *tc) c = &col;
      }
      if (c->kind != TypeKind::kTimestamp && c->kind != TypeKind::kDate) {
        Error(*time_node,
              path + ".time: column " + Quote(*tc) + " is " + c->TypeName() +
                  "; the time column must be a timestamp or date" +
                  (time_candidates.empty()
                       ? std::string("")
                       : " (timestamp/date columns: " + JoinList(time_candidates) + ")"));
        ok = false;
      } else if (c->nullable) {
        Error(*time_node, path + ".time: column " + Quote(*tc) +
                              " is nullable, but every row needs a time to pick its day "
                              "partition; drop nullable = true from it (or give it a default)");
        ok = false;
      } else {
        spec.time_column = *tc;
      }
    } else {
      ok = false;  // its type error was reported
    }
  } else {
    ok = false;
  }
  if (ok) config_.tables.push_back(std::move(spec));
}

std::optional<ColumnSpec> Loader::LoadColumn(const std::string& table_path, const toml::key& key,
                                     const toml::node& n) {
  const std::string name(key.str());
  const std::string path = table_path + "." + name;
  bool ok = true;
  if (!ValidName(name, true)) {
    std::string hint = SanitizedName(name);
    Error(PosOf(key.source()),
          path + ": " + Quote(name) +
              " is not a valid column name; use lowercase letters, digits and _, start with a "
              "letter or _, at most 64 bytes" +
              (hint.empty() || hint == name ? "" : " (e.g. " + Quote(hint) + ")"));
    ok = false;
  }
  ColumnSpec col;
  col.name = name;
  const toml::node* type_node = nullptr;
  const toml::node* default_node = nullptr;
  const toml::node* from_node = nullptr;
  if (n.is_string()) {
    type_node = &n;
  } else if (const toml::table* t = n.as_table()) {
    for (auto [k, v] : InFileOrder(*t)) {
      if (k->str() == "type") {
        type_node = v;
      } else if (k->str() == "nullable") {
        if (const auto* b = v->as_boolean()) {
          col.nullable = b->get();
        } else {
          Error(*v, path + ".nullable: must be true or false, not " + Describe(*v));
          ok = false;
        }
      } else if (k->str() == "default") {
        default_node = v;
      } else if (k->str() == "expr") {
        const std::string* expr =
            LoadSql(*v, path + ".expr", "\"lower(city)\"");
        if (expr) col.expr = *expr;
        ok = ok && expr;
      } else if (k->str() == "from") {
        from_node = v;
        const std::string* from = ExpectString(*v, path + ".from", "\"customer.city\"");
        if (!from) {
          ok = false;
        } else if (from->empty() || from->front() == '.' || from->back() == '.' ||
                   from->find("..") != std::string::npos) {
          Error(*v, path + ".from: " + Quote(*from) +
                        " is not a JSON path; name the field, with dots for nested objects, "
                        "e.g. \"customer.city\"");
          ok = false;
        } else {
          col.from = *from;
        }
      } else {
        UnknownKey(*k, "in " + path, kColumnKeys);
        ok = false;
      }
    }
    if (!type_node) {
      Error(n, path + ": missing key \"type\"; write { type = \"string\", nullable = true }");
      return std::nullopt;
    }
  } else {
    Error(n, path +
                 ": must be a type name like \"string\" or a table like "
                 "{ type = \"string\", nullable = true }, not " +
                 Describe(n));
    return std::nullopt;
  }
  const std::string* type = ExpectString(*type_node, path + ".type", "\"string\"");
  if (!type) return std::nullopt;
  std::string problem;
  if (!config_internal::ParseType(*type, col, problem)) {
    Error(*type_node, path + ": " + problem);
    return std::nullopt;
  }
  if (!col.expr.empty() && (from_node || default_node)) {
    Error(from_node ? *from_node : *default_node,
          path + (from_node ? ".from" : ".default") +
              ": a column with expr is computed, not read from the record; drop " +
              (from_node ? "from" : "default (use coalesce(..., value) in the expression)"));
    return std::nullopt;
  }
  if (default_node && !LoadDefault(path, *default_node, col)) ok = false;
  if (!ok) return std::nullopt;
  return col;
}

bool Loader::LoadDefault(const std::string& path, const toml::node& n, ColumnSpec& col) {
  nlohmann::json value;
  if (const auto* s = n.as_string()) {
    value = s->get();
  } else if (const auto* i = n.as_integer()) {
    value = i->get();
  } else if (const auto* f = n.as_floating_point()) {
    value = f->get();
  } else if (const auto* b = n.as_boolean()) {
    value = b->get();
  } else {
    Error(n, path + ".default: must be a string, number or true/false, not " + Describe(n));
    return false;
  }
  col.default_json = value.dump();
  std::string problem = config_internal::DefaultProblem(col);
  if (!problem.empty()) {
    Error(n, path + ".default: " + problem);
    return false;
  }
  return true;
}

const std::string* Loader::LoadSql(const toml::node& n, const std::string& path, const char* example) {
  const std::string* text = ExpectString(n, path, example);
  if (text && text->empty()) {
    Error(n, path + ": is empty; write SQL like " + example);
    return nullptr;
  }
  if (text) sql_nodes_[path] = &n;
  return text;
}

void Loader::CheckTransforms() {
  for (const TableSpec& t : config_.tables) {
    const std::string path = "tables." + t.name;
    for (const TransformProblem& p : Transform::Check(TransformOf(t, config_.timezone))) {
      const std::string key =
          p.column < 0 ? path + ".where"
                       : path + ".columns." + t.columns[static_cast<size_t>(p.column)].name +
                             ".expr";
      auto it = sql_nodes_.find(key);
      Pos pos = it != sql_nodes_.end() ? PosOf(it->second->source()) : Pos{};
      Error(pos, key + ": " + p.message);
    }
  }
}

}  // namespace tp::app::config_internal
