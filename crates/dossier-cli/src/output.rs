//! Plain-text tables for people: columns padded to their widest cell.

use std::io::{BufWriter, Write};

use unicode_width::UnicodeWidthStr;

/// Renders rows under a header, columns separated by two spaces. Widths
/// are display widths (a CJK character takes two columns of a terminal), so
/// columns stay aligned whatever the script.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len().saturating_sub(1);
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i < last {
                out.extend(std::iter::repeat_n(' ', width - cell.width() + 2));
            }
        }
        out.push('\n');
    }
    out
}

/// Prints JSON to stdout, pretty, with a final newline. Buffered: Rust's
/// stdout flushes at every line, and pretty JSON has a line per value.
pub(crate) fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut stdout, value)?;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(())
}

/// `value` printed pretty as `serde_json` prints it when it sits `depth`
/// levels deep in a larger value (two spaces a level): every line after the
/// first indented by `2 * depth` spaces. JSON strings escape their line
/// breaks, so every line break in the output is one of the layout's.
pub(crate) fn pretty_json_at_depth(value: &serde_json::Value, depth: usize) -> Vec<u8> {
    let flat = serde_json::to_vec_pretty(value).expect("a JSON value always serializes");
    let indent = 2 * depth;
    let lines = flat.iter().filter(|&&byte| byte == b'\n').count();
    let mut out = Vec::with_capacity(flat.len() + lines * indent);
    for (i, line) in flat.split(|&byte| byte == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', indent));
        }
        out.extend_from_slice(line);
    }
    out
}

/// Writes an array, `depth` levels deep, whose elements were printed by
/// [`pretty_json_at_depth`] at `depth + 1`, as `serde_json` prints it pretty.
pub(crate) fn write_pretty_array(out: &mut impl Write, elements: &[Vec<u8>], depth: usize) -> std::io::Result<()> {
    if elements.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (i, element) in elements.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        out.write_all(&b"  ".repeat(depth + 1))?;
        out.write_all(element)?;
    }
    out.write_all(b"\n")?;
    out.write_all(&b"  ".repeat(depth))?;
    out.write_all(b"]")
}

/// A share as a percentage with one decimal.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_every_column_but_the_last() {
        let rows = vec![vec!["a.txt".to_owned(), "en".to_owned()], vec!["中文.txt".to_owned(), "zh-Hans".to_owned()]];
        expect_test::expect![[r#"
            path      language
            a.txt     en
            中文.txt  zh-Hans
        "#]]
        .assert_eq(&table(&["path", "language"], &rows));
    }
}
