#include "app/table_schema.h"

#include <toml++/toml.h>

#include <filesystem>

#include "storage/schema_change.h"

namespace tp::app {

std::vector<MaterializedTable> TablesOf(const Config& config) {
  std::vector<MaterializedTable> out;
  for (const TableSpec& t : config.tables) {
    MaterializedTable m;
    m.name = t.name;
    m.time_column = t.time_column;
    m.on_new_fields = t.on_new_fields;
    m.transform = TransformOf(t, config.timezone);
    m.on_filter = t.on_filter;
    for (const ColumnSpec& c : t.columns) {
      m.schema.fields.push_back(storage::Field{c.name, c.Type(), c.nullable});
      m.paths.push_back(c.from.empty() ? c.name : c.from);
      m.defaults.push_back(c.default_json);
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// The problem and the column it concerns ("" = the table).
struct PlanProblem {
  std::string column;
  std::string message;
};

std::vector<DecoderColumn> Declared(const MaterializedTable& table) {
  std::vector<DecoderColumn> cols;
  for (size_t i = 0; i < table.schema.fields.size(); ++i) {
    DecoderColumn c;
    c.field = table.schema.fields[i];
    if (c.field.name == table.time_column) c.field.nullable = false;  // every row needs a day
    if (i < table.paths.size()) c.path = table.paths[i];
    if (i < table.defaults.size()) c.default_json = table.defaults[i];
    c.derived = i < table.transform.exprs.size() && !table.transform.exprs[i].empty();
    cols.push_back(std::move(c));
  }
  return cols;
}

// Every problem of the table (empty = it can go on with *out's columns).
std::vector<PlanProblem> Plan(const MaterializedTable& table, const storage::TableEntry* latest,
                              std::vector<DecoderColumn>* out) {
  std::vector<DecoderColumn> cols = Declared(table);
  if (latest == nullptr) {
    *out = std::move(cols);
    return {};
  }
  const std::string where = "table " + table.name + ": ";
  const std::string version = " (the catalog has schema version " +
                              std::to_string(latest->schema_version) + " of " + table.name + ")";
  if (latest->time_column != table.time_column) {
    return {PlanProblem{"", where + "the time column cannot change from \"" + latest->time_column +
                               "\" to \"" + table.time_column +
                               "\": the files are partitioned by it" + version +
                               "; keep time = \"" + latest->time_column +
                               "\", or send the data to a new table"}};
  }
  for (const storage::Field& f : latest->schema.fields) {
    bool declared = false;
    for (const DecoderColumn& c : cols) declared = declared || c.field.name == f.name;
    if (declared) continue;
    DecoderColumn kept;
    kept.field = f;
    kept.field.nullable = true;  // records may no longer send it
    kept.inferred = true;
    // A declared column that now reads this field (from = "NAME", or a
    // path inside it) takes it over; the kept column stays for the files
    // that have it and is NULL from here on.
    for (const DecoderColumn& c : Declared(table)) {
      const std::string& path = c.path.empty() ? c.field.name : c.path;
      if (path == f.name || path.rfind(f.name + ".", 0) == 0) kept.unread = true;
    }
    cols.push_back(std::move(kept));
  }
  storage::Schema next;
  for (const DecoderColumn& c : cols) next.fields.push_back(c.field);
  std::vector<PlanProblem> problems;
  for (const storage::Field& old_field : latest->schema.fields) {
    int i = next.Find(old_field.name);
    std::string p = storage::FieldChangeProblem(old_field, next.fields[i]);
    if (!p.empty()) problems.push_back({old_field.name, where + p + version});
  }
  if (problems.empty()) {
    if (std::string p = storage::SchemaChangeProblem(latest->schema, next); !p.empty()) {
      problems.push_back({"", where + p + version});
    }
  }
  if (problems.empty()) *out = std::move(cols);
  return problems;
}

}  // namespace

Result<std::vector<DecoderColumn>> PlanColumns(const MaterializedTable& table,
                                               const storage::TableEntry* latest) {
  std::vector<DecoderColumn> cols;
  std::vector<PlanProblem> problems = Plan(table, latest, &cols);
  if (problems.empty()) return cols;
  std::string message;
  for (const PlanProblem& p : problems) message += (message.empty() ? "" : "; ") + p.message;
  return Status::InvalidArgument(message);
}

std::vector<ConfigError> CheckAgainstCatalog(const Config& config, std::string_view text) {
  std::vector<ConfigError> errors;
  const auto file = config.data_dir / "catalog.sqlite";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return errors;  // a new data directory
  auto catalog = storage::Catalog::Open(file);
  if (!catalog.ok()) {
    errors.push_back({config.source, 0, 0,
                      "cannot read the catalog to check table schemas: " +
                          catalog.status().message()});
    return errors;
  }
  std::optional<toml::table> root;
  try {
    root = toml::parse(text, std::string_view(config.source));
  } catch (const toml::parse_error&) {
  }
  for (const MaterializedTable& t : TablesOf(config)) {
    auto latest = (*catalog)->Table(t.name);
    if (!latest.ok()) {
      if (latest.status().code() == Status::Code::kNotFound) continue;
      errors.push_back({config.source, 0, 0, latest.status().message()});
      continue;
    }
    std::vector<DecoderColumn> cols;
    for (const PlanProblem& problem : Plan(t, &*latest, &cols)) {
      // Point at the column's line, else the table's.
      int line = 0, column = 0;
      if (root) {
        const toml::node* n = nullptr;
        if (!problem.column.empty()) {
          n = root->at_path("tables." + t.name + ".columns." + problem.column).node();
        }
        if (n == nullptr) n = root->at_path("tables." + t.name).node();
        if (n != nullptr) {
          line = static_cast<int>(n->source().begin.line);
          column = static_cast<int>(n->source().begin.column);
        }
      }
      errors.push_back({config.source, line, column, problem.message});
    }
  }
  return errors;
}

}  // namespace tp::app
