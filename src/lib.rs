//! jixiao (绩效): department budget-performance workbooks → 部门预算绩效文本 PDFs.
//!
//! The pipeline, one module per stage: [`read`] → [`check`] → [`render`] → [`compile`] →
//! [`output`]; [`build`] runs it over a set of workbooks. Around it: [`changes`] says what changed
//! since a department's last build, [`publish`] makes the volume and the summary, [`xlsx`] writes
//! workbooks, [`serve`] is the local web page and [`watch`] rebuilds workbooks as they are saved.
//! See `ARCHITECTURE.md` for the map.

pub mod build;
pub mod changes;
pub mod check;
pub mod compile;
pub mod contract;
pub mod diagnostic;
pub mod error;
pub mod evaluation;
pub mod model;
pub mod output;
pub mod platform;
pub mod publish;
pub mod read;
pub mod reference;
pub mod render;
pub mod serve;
pub mod text;
pub mod watch;
pub mod xlsx;

pub use error::{Error, ErrorKind, Result};
