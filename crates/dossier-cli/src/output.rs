//! Plain-text tables for people: columns padded to their widest cell.

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

/// Prints JSON to stdout, pretty, with a final newline.
pub(crate) fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)?;
    writeln!(stdout)?;
    Ok(())
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
