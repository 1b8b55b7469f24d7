//! A cell of the CSV files the desk downloads (the export, the quality report), for a
//! spreadsheet to open: what customers typed ends up in them, and a spreadsheet runs a cell
//! that starts like a formula.

/// One CSV cell: a cell a spreadsheet would run as a formula (`= + - @`, or a tab or
/// carriage return first) gets a `'` in front; then it is quoted, every cell, whatever it
/// holds (RFC 4180): Excel in a locale that separates with `;` splits an unquoted `;`.
pub fn cell(text: &str) -> String {
    let neutral = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn every_cell_is_quoted_and_formulas_neutralised() {
        assert_eq!(cell("王建国"), "\"王建国\"");
        assert_eq!(cell(""), "\"\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("a;b"), "\"a;b\"", "a semicolon-locale Excel's separator");
        assert_eq!(cell("说\"好\"的"), "\"说\"\"好\"\"的\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for formula in ["+86138", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(formula).trim_start_matches('"').starts_with('\''), "{formula:?}");
        }
        assert_eq!(cell("1-2"), "\"1-2\"", "only the first character matters");
    }
}
