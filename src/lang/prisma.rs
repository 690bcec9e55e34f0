//! Prisma schemas (`schema.prisma`): the `Json` fields of each
//! `model X { ... }` block, by a line scanner (the format is one field a
//! line). A field belongs to its model, the way a Rails column belongs to
//! its table.

use crate::facts::ColumnDef;

/// `data Json`, `data Json?`, `data Json @default("{}")` inside
/// `model Receipt { ... }` → (`data`, `Receipt`, line).
pub fn json_fields(text: &str) -> Vec<ColumnDef> {
    let mut out = Vec::new();
    let mut model: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        match (model, words.next(), words.next()) {
            (None, Some("model"), Some(name)) if line.ends_with('{') => {
                model = Some(name.trim_end_matches('{'));
            }
            (Some(_), Some(w), _) if w.starts_with('}') => model = None,
            (Some(m), Some(field), Some(ty))
                if !field.starts_with('@') && matches!(ty.trim_end_matches(['?', '!']), "Json") =>
            {
                out.push(ColumnDef {
                    name: field.to_string(),
                    table: Some(m.to_string()),
                    line: i as u32 + 1,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fields_belong_to_their_model() {
        let s = "generator client {\n  provider = \"prisma-client-js\"\n}\n\nmodel Receipt {\n  id   Int   @id\n  data Json? // pages, pdf\n}\n\nmodel Integration {\n  data  Json   @default(\"{}\")\n  label String\n  tags  Json[]\n}\n";
        let got: Vec<(String, Option<String>, u32)> = json_fields(s)
            .into_iter()
            .map(|d| (d.name, d.table, d.line))
            .collect();
        assert_eq!(
            got,
            [
                ("data".to_string(), Some("Receipt".to_string()), 7),
                ("data".to_string(), Some("Integration".to_string()), 11),
            ]
        );
    }
}
