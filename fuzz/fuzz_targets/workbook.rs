//! Workbook bytes → read → check: must never panic, hang or exhaust memory, and every finding
//! must name the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.xlsx");
    let reading = jixiao::read::read_bytes(path, data);
    let mut findings = reading.diagnostics;
    if let Some(workbook) = &reading.workbook {
        findings.extend(jixiao::check::check(path, workbook));
    }
    for finding in &findings {
        assert_eq!(finding.file, path);
        assert!(!finding.message.is_empty());
        // Internal errors are caught, but they are still bugs.
        assert!(
            !finding.message.contains("内部错误"),
            "internal error: {finding}"
        );
    }
});
