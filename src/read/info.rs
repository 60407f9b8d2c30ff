//! `基本信息` → the department's fields (部门名称, 年度, 编制单位, …): one row per field, the
//! field's name in `字段` and its value in `内容`.

use std::collections::{BTreeMap, HashSet};

use super::reader::Reader;
use super::sheets::Loaded;
use super::table::{Ctx, Need, Table};
use super::value;
use crate::contract::{
    self, COMPILED_BY, CONTENT, DEPARTMENT_CODE, DEPARTMENT_NAME, FIELD, INFO, REVIEWED_BY, RuleId,
    TITLE, YEAR,
};
use crate::diagnostic::Location;
use crate::evaluation::Evaluation;
use crate::model::Department;
use crate::text::{closest, fold_name};

/// The rows of 基本信息: each known field's first row, and the rows naming no known field.
struct Fields {
    found: BTreeMap<&'static str, u32>,
    unknown: Vec<(u32, String)>,
}

impl Reader {
    /// 基本信息 → the department's fields. A missing required field makes the reading
    /// incomplete.
    pub(super) fn info(&mut self, loaded: &Loaded) {
        let Some(sheet) = loaded.get(INFO) else {
            return;
        };
        let t = Table::new(&mut self.ctx, sheet, contract::sheet_named(INFO));
        if !t.complete() {
            self.complete = false;
            return;
        }
        let fields = find_fields(&mut self.ctx, &t);
        self.complete &= report_fields(&mut self.ctx, &t, &fields);
        self.info_values(&t, &fields.found);
    }

    /// The values of the fields found.
    fn info_values(&mut self, t: &Table<'_>, found: &BTreeMap<&'static str, u32>) {
        let (ctx, dept, origins) = (&mut self.ctx, &mut self.department, &mut self.origins);
        let mut content = |ctx: &mut Ctx, field: &'static str| -> Option<String> {
            let &row = found.get(field)?;
            origins
                .info
                .insert(field.to_string(), t.location(row, CONTENT));
            let required = contract::FIELDS
                .iter()
                .any(|f| f.name == field && f.required);
            let value = t.text(ctx, row, CONTENT, Need::Optional);
            if value.is_none() && required && t.get(row, CONTENT).is_none() {
                ctx.error(
                    t.location(row, CONTENT),
                    RuleId::MissingValue,
                    format!("字段“{field}”的内容为空，应填写{field}"),
                );
            }
            value
        };

        dept.name = content(ctx, DEPARTMENT_NAME).unwrap_or_default();
        dept.compiled_by = content(ctx, COMPILED_BY).unwrap_or_default();
        dept.reviewed_by = content(ctx, REVIEWED_BY);
        dept.code = content(ctx, DEPARTMENT_CODE);
        let title = content(ctx, TITLE);
        if let Some(kind) = content(ctx, contract::DOCUMENT_KIND) {
            match fold_name(&kind).as_str() {
                "绩效目标" | "预算绩效目标" | "目标" => {}
                "绩效自评" | "自评" | "绩效自评报告" | "预算绩效自评" => {
                    self.evaluation = Some(Evaluation::default());
                }
                _ => ctx.error(
                    t.location(found[contract::DOCUMENT_KIND], CONTENT),
                    RuleId::BadDocumentKind,
                    format!("“文档类型”应为“绩效目标”或“绩效自评”，实际为“{kind}”"),
                ),
            }
        }
        if let Some(unit) = content(ctx, contract::MONEY_UNIT) {
            match value::MoneyUnit::from_header(&fold_name(&unit)) {
                Some(u) => dept.money_unit = u,
                None => ctx.error(
                    t.location(found[contract::MONEY_UNIT], CONTENT),
                    RuleId::BadUnit,
                    format!("“金额单位”应为“万元”或“元”，实际为“{unit}”"),
                ),
            }
        }
        if let Some(&row) = found.get(YEAR) {
            origins
                .info
                .insert(YEAR.to_string(), t.location(row, CONTENT));
            match t.get(row, CONTENT) {
                None => ctx.error(
                    t.location(row, CONTENT),
                    RuleId::MissingValue,
                    "字段“年度”的内容为空，应填写四位数的年份（如 2021）",
                ),
                Some(v) => match value::year(v) {
                    Some(y) => dept.year = y,
                    None => ctx.error(
                        t.location(row, CONTENT),
                        RuleId::BadYear,
                        format!(
                            "“年度”应为四位数的年份（如 2021），实际为“{}”",
                            v.display().trim()
                        ),
                    ),
                },
            }
        }
        dept.title = title.unwrap_or_else(|| match self.evaluation {
            Some(_) => Evaluation::default_title(&dept.name, dept.year),
            None => Department::default_title(&dept.name, dept.year),
        });
    }
}

/// Each field's row, warning about rows without a field name (`unknown-field`) and about a
/// field named twice (`duplicate-field`).
fn find_fields(ctx: &mut Ctx, t: &Table<'_>) -> Fields {
    let mut found: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut unknown: Vec<(u32, String)> = Vec::new();
    for &row in &t.rows {
        let Some(field) = t.text(ctx, row, FIELD, Need::Optional) else {
            if t.get(row, CONTENT).is_some() {
                ctx.warning(
                    t.location(row, FIELD),
                    RuleId::UnknownField,
                    format!(
                        "“{}”表第{}行有内容但“字段”为空，本行已忽略",
                        t.sheet.name,
                        row as u64 + 1
                    ),
                );
            }
            continue;
        };
        let key = fold_name(&field);
        match contract::FIELDS.iter().find(|f| fold_name(f.name) == key) {
            Some(&contract::Field {
                name: canonical, ..
            }) => {
                if let Some(&first) = found.get(canonical) {
                    ctx.warning(
                        t.location(row, FIELD),
                        RuleId::DuplicateField,
                        format!(
                            "字段“{canonical}”重复出现，只读取第一次（第{}行），本行已忽略",
                            first as u64 + 1
                        ),
                    );
                } else {
                    found.insert(canonical, row);
                }
            }
            None => unknown.push((row, field)),
        }
    }
    Fields { found, unknown }
}

/// Reports each field of the contract that is not found (a required one is `missing-field`,
/// with an unknown field as a suggestion; an optional one's near miss is `unknown-field`).
/// False when a required field is missing.
fn report_fields(ctx: &mut Ctx, t: &Table<'_>, fields: &Fields) -> bool {
    let Fields { found, unknown } = fields;
    let sheet = &t.sheet.name;
    let mut complete = true;
    // Unknown fields already offered as a suggestion.
    let mut cited: HashSet<u32> = HashSet::new();
    for &contract::Field {
        name: field,
        required,
        ..
    } in contract::FIELDS
    {
        if found.contains_key(field) {
            continue;
        }
        let candidates: Vec<&str> = unknown.iter().map(|(_, u)| u.as_str()).collect();
        let near = closest(field, candidates.iter().copied())
            .and_then(|hit| unknown.iter().find(|(_, u)| u == hit))
            .filter(|(row, _)| !cited.contains(row));
        if let Some((row, _)) = near {
            cited.insert(*row);
        }
        match (required, near) {
            (true, Some((row, u))) => {
                complete = false;
                ctx.error(
                    t.location(*row, FIELD),
                    RuleId::MissingField,
                    format!("“{sheet}”表缺少必需的字段“{field}”（字段“{u}”是否应为“{field}”？）"),
                );
            }
            (true, None) => {
                complete = false;
                ctx.error(
                    Location::sheet(sheet.clone()),
                    RuleId::MissingField,
                    format!(
                        "“{sheet}”表缺少必需的字段“{field}”：应有一行“字段”为“{field}”，“内容”为其值"
                    ),
                );
            }
            (false, Some((row, u))) => ctx.warning(
                t.location(*row, FIELD),
                RuleId::UnknownField,
                format!("未知的字段“{u}”，已忽略（是否应为“{field}”？）"),
            ),
            (false, None) => {}
        }
    }
    complete
}
