//! The workbooks jixiao writes (rust_xlsxwriter): the departments' fill-in form, a department as
//! a workbook, the findings of a check, and the shared styling that makes them print and read well in Excel, WPS and
//! LibreOffice.

pub mod department;
pub mod evaluation_form;
pub mod fill_in;
pub mod findings;
pub mod style;
