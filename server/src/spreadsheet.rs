//! The rows of an uploaded spreadsheet, whatever it was saved as: an Excel workbook (`.xlsx`,
//! read with calamine: its first sheet) or a CSV — UTF-8 with or without a byte-order mark,
//! or GBK as Excel saves CSV in a Chinese locale. Each row is its cells as text, with the
//! line a person would point at (the first row is line 1); what the cells mean is core's.

use calamine::{Data, Reader, Xlsx};

/// Why an upload has no rows to read (`product.file_<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    /// A workbook calamine cannot open, or one without a sheet.
    Workbook(String),
    /// A CSV the reader refuses (why, with its position).
    Csv(String),
}

/// One row: its line and its cells.
pub type Row = (u64, Vec<String>);

/// The rows of `body`, in order, the header first. A workbook is told by its ZIP signature,
/// whatever the upload says it is.
pub fn rows(
    body: &[u8],
) -> Result<Box<dyn Iterator<Item = Result<Row, FileProblem>> + Send + '_>, FileProblem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(FileProblem::Empty);
    }
    if body.starts_with(b"PK\x03\x04") {
        return workbook(body)
            .map(|rows| Box::new(rows.into_iter().map(Ok)) as Box<dyn Iterator<Item = _> + Send>);
    }
    let text: std::borrow::Cow<'_, [u8]> = match std::str::from_utf8(body) {
        Ok(_) => body.into(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(body)
            .0
            .into_owned()
            .into_bytes()
            .into(),
    };
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text.clone()));
    // The line a record starts on, counted from its byte offset: the reader skips blank
    // lines, and its own count does not see them.
    let (mut counted_to, mut line) = (0usize, 1u64);
    Ok(Box::new(reader.into_records().map(move |record| {
        let record = record.map_err(|e| FileProblem::Csv(e.to_string()))?;
        // The reader's offset is where the last record ended; this one starts after the line
        // breaks (and blank lines) that follow.
        let ended = record.position().map_or(counted_to, |p| p.byte() as usize);
        let start = ended
            + text[ended.min(text.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        line +=
            text[counted_to..start.max(counted_to)].iter().filter(|b| **b == b'\n').count() as u64;
        counted_to = start.max(counted_to);
        Ok((line, record.iter().map(str::to_string).collect()))
    })))
}

/// An Excel date or number as the text a person typed: a date as `YYYY-MM-DD`, a whole
/// number without `.0` (serial numbers and months are often typed as numbers).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(when) => {
            let (year, month, day, ..) = when.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTimeIso(text) => text.get(..10).unwrap_or(text).to_string(),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

fn workbook(body: &[u8]) -> Result<Vec<Row>, FileProblem> {
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(body)).map_err(|e| FileProblem::Workbook(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| FileProblem::Workbook("no worksheet".into()))?
        .map_err(|e| FileProblem::Workbook(e.to_string()))?;
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| (i as u64 + 1, cells.iter().map(cell_text).collect()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &[u8]) -> Vec<Row> {
        rows(body).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn a_csv_is_read_in_utf_8_or_as_chinese_excel_saves_it() {
        let utf8 = "serial_number,owner\r\nINV-1,\"苏州精工, 3 号厂房\"\r\n\r\nINV-2,上海\r\n";
        let read_rows = read(utf8.as_bytes());
        let lines = &read_rows;
        assert_eq!(lines[1], (2, vec!["INV-1".to_string(), "苏州精工, 3 号厂房".to_string()]));
        assert_eq!(lines[2].0, 4, "a blank line keeps its number");
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        assert_eq!(&read(&gbk), lines);
        assert_eq!(rows(b" \n").err(), Some(FileProblem::Empty));
        assert!(matches!(rows(b"PK\x03\x04junk"), Err(FileProblem::Workbook(_))));
    }

    #[test]
    fn an_excel_workbook_gives_dates_and_whole_numbers_as_typed() {
        let rows = read(include_bytes!("../tests/fixtures/products.xlsx"));
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].1[0], "serial_number");
        assert_eq!(
            rows[1],
            (
                2,
                ["inv-x-001", "inverter", "ACS580", "2025-01-01", "24", "苏州精工"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(rows[2].1[..2], ["880012".to_string(), "appliance".to_string()]);
        assert_eq!(rows[2].1[4], "", "an empty cell inside the row is empty text");
    }
}
