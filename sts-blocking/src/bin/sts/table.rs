//! `--output table`, laid out as the AWS CLI lays it out (its
//! `formatter.py` table builder and `table.py` renderer), so that the same
//! result gives the same bytes.
//!
//! The AWS CLI measures the terminal; a pipe (and anything it cannot
//! measure) is 80 columns, which is the width used here always: the tool
//! does not ask the terminal, so on a wider one a wide table is folded
//! where the AWS CLI would not fold it. No colours either.

use crate::render::Doc;

/// The width the AWS CLI assumes when it cannot measure the terminal.
const WIDTH: usize = 80;

#[derive(Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    max_widths: Vec<usize>,
}

impl Section {
    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.update_widths(&row);
        self.rows.push(row);
    }

    fn update_widths(&mut self, row: &[String]) {
        if self.max_widths.is_empty() {
            self.max_widths = row.iter().map(|c| text_len(c)).collect();
        } else {
            for (w, c) in self.max_widths.iter_mut().zip(row) {
                *w = (*w).max(text_len(c));
            }
        }
    }

    /// Column widths with `padding` each, scaled to fill `max_width` with
    /// Python's rounding (half to even), the rounding error spread one
    /// column at a time as the AWS CLI spreads it.
    fn column_widths(&self, padding: usize, max_width: usize) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        let total: usize = unscaled.iter().sum();
        if unscaled.is_empty() || total == 0 {
            return unscaled;
        }
        let scale = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|w| (scale * *w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self) -> usize {
        let columns: usize = self.max_widths.iter().map(|w| w + 4).sum();
        let total = columns + 2 + 2 * self.indent;
        total.max(text_len(&self.title) + 2 + 2 * self.indent)
    }
}

/// Characters on screen; the AWS CLI counts East Asian wide characters
/// twice, which STS results do not hold.
fn text_len(s: &str) -> usize {
    s.chars().count()
}

fn spaces(n: i64) -> String {
    " ".repeat(usize::try_from(n).unwrap_or(0))
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let len = text_len(text) as i64;
    let start = (length as i64 / 2) - (len / 2) - 1;
    let so_far = text_len(left) as i64 + start + len;
    let right_spaces = length as i64 - text_len(right) as i64 - so_far;
    format!(
        "{left}{}{text}{}{right}",
        spaces(start),
        spaces(right_spaces)
    )
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let len = text_len(text) as i64;
    let edges = (text_len(left) + text_len(right)) as i64;
    let padding = if length as i64 - (len + 2 + edges) >= 0 {
        2
    } else {
        0
    };
    let fill = length as i64 - (text_len(left) as i64 + padding + len) - text_len(right) as i64;
    format!("{left}{}{text}{}{right}", spaces(padding), spaces(fill))
}

/// The table for `doc`, titled with the operation's name; nothing for an
/// empty or false result, as the AWS CLI prints nothing for it.
pub(crate) fn table(title: &str, doc: &Doc) -> String {
    let mut sections: Vec<Section> = Vec::new();
    if !build(&mut sections, Some(title), doc, 0) {
        return String::new();
    }
    render(&mut sections)
}

fn falsy(doc: &Doc) -> bool {
    match doc {
        Doc::Object(f) => f.is_empty(),
        Doc::Array(a) => a.is_empty(),
        Doc::Str(s) => s.is_empty(),
        Doc::Int(n) => *n == 0,
        Doc::Float(f) => *f == 0.0,
        Doc::Bool(b) => !b,
        Doc::Null => true,
    }
}

fn current(sections: &mut Vec<Section>) -> &mut Section {
    if sections.is_empty() {
        sections.push(Section::default());
    }
    let last = sections.len() - 1;
    &mut sections[last]
}

fn new_section(sections: &mut Vec<Section>, title: &str, indent: usize) {
    sections.push(Section {
        title: title.to_owned(),
        indent,
        ..Section::default()
    });
}

fn build(sections: &mut Vec<Section>, title: Option<&str>, doc: &Doc, indent: usize) -> bool {
    if falsy(doc) {
        return false;
    }
    if let Some(title) = title {
        new_section(sections, title, indent);
    }
    match doc {
        Doc::Array(items) => {
            if matches!(items.first(), Some(Doc::Object(_))) {
                from_list(sections, items, indent, title.unwrap_or_default());
            } else {
                for item in items {
                    match item {
                        Doc::Array(inner) if inner.iter().all(Doc::is_scalar) => {
                            current(sections).add_row(inner.iter().map(Doc::py_str).collect());
                        }
                        Doc::Object(fields) => {
                            // Python iterates a dict's keys, all scalars.
                            current(sections)
                                .add_row(fields.iter().map(|(k, _)| k.clone()).collect());
                        }
                        Doc::Array(_) => {
                            build(sections, None, item, 0);
                        }
                        scalar => current(sections).add_row(vec![scalar.py_str()]),
                    }
                }
            }
        }
        Doc::Object(fields) => from_object(sections, fields, indent),
        _ => {}
    }
    true
}

/// Scalar keys (sorted) and the others (sorted).
fn group(fields: &[(String, Doc)]) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for (k, v) in fields {
        if v.is_scalar() {
            headers.push(k.clone());
        } else {
            more.push(k.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

fn get<'a>(fields: &'a [(String, Doc)], key: &str) -> Option<&'a Doc> {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn from_object(sections: &mut Vec<Section>, fields: &[(String, Doc)], indent: usize) {
    let (headers, more) = group(fields);
    let value = |k: &String| get(fields, k).map(Doc::py_str).unwrap_or_default();
    if headers.len() == 1 {
        let row = vec![headers[0].clone(), value(&headers[0])];
        current(sections).add_row(row);
    } else if !headers.is_empty() {
        let row = headers.iter().map(value).collect();
        current(sections).add_header(headers);
        current(sections).add_row(row);
    }
    for k in more {
        if let Some(v) = get(fields, &k) {
            build(sections, Some(&k), v, indent + 1);
        }
    }
}

fn from_list(sections: &mut Vec<Section>, items: &[Doc], indent: usize, title: &str) {
    let mut headers: Vec<String> = Vec::new();
    let mut more: Vec<String> = Vec::new();
    for item in items {
        if let Doc::Object(fields) = item {
            let (h, m) = group(fields);
            headers.extend(h);
            more.extend(m);
        }
    }
    headers.sort();
    headers.dedup();
    more.sort();
    more.dedup();
    current(sections).add_header(headers.clone());
    for (i, item) in items.iter().enumerate() {
        let Doc::Object(fields) = item else { continue };
        if i > 0 && !more.is_empty() {
            new_section(sections, title, indent);
            current(sections).add_header(headers.clone());
        }
        let row = headers
            .iter()
            .map(|h| get(fields, h).map(Doc::py_str).unwrap_or_default())
            .collect();
        current(sections).add_row(row);
        for k in &more {
            if let Some(v) = get(fields, k) {
                build(sections, Some(k), v, indent + 1);
            }
        }
    }
}

fn render(sections: &mut [Section]) -> String {
    let mut max_width = sections.iter().map(Section::total_width).max().unwrap_or(0);
    if max_width > WIDTH {
        // Too wide: a section of one row becomes a header/value list.
        for s in sections.iter_mut() {
            if s.rows.len() == 1 && !s.headers.is_empty() {
                let mut vertical = Section {
                    title: std::mem::take(&mut s.title),
                    indent: s.indent,
                    ..Section::default()
                };
                for (h, v) in s.headers.iter().zip(&s.rows[0]) {
                    vertical.add_row(vec![h.clone(), v.clone()]);
                }
                *s = vertical;
            }
        }
        max_width = sections.iter().map(Section::total_width).max().unwrap_or(0);
    }
    let mut out = format!("{}\n", "-".repeat(max_width));
    for s in sections.iter() {
        let bar = "|".repeat(s.indent);
        let mut line = |text: &str| {
            out.push_str(&bar);
            out.push_str(text);
            out.push_str(&bar);
            out.push('\n');
        };
        let width = max_width.saturating_sub(s.indent * 2);
        if !s.title.is_empty() {
            line(&center(&s.title, width, "|", "|"));
            if s.headers.is_empty() && s.rows.is_empty() {
                line(&format!("+{}+", "-".repeat(width.saturating_sub(2))));
            }
        }
        let widths = s.column_widths(4, width);
        let rule = || {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        format!("+{}+", "-".repeat(w.saturating_sub(2)))
                    } else {
                        format!("{}+", "-".repeat(w.saturating_sub(1)))
                    }
                })
                .collect::<String>()
        };
        if !s.headers.is_empty() {
            let titles: String = widths
                .iter()
                .zip(&s.headers)
                .enumerate()
                .map(|(i, (w, h))| center(h, *w, if i == 0 { "|" } else { "" }, "|"))
                .collect();
            line(&rule());
            line(&titles);
        }
        if !s.rows.is_empty() && !widths.is_empty() {
            line(&rule());
            for row in &s.rows {
                let cells: String = widths
                    .iter()
                    .zip(row)
                    .enumerate()
                    .map(|(i, (w, c))| align_left(c, *w, if i == 0 { "|" } else { "" }, "|"))
                    .collect();
                line(&cells);
            }
            line(&rule());
        }
    }
    out
}
